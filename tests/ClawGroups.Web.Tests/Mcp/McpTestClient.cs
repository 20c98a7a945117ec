using ModelContextProtocol.Client;

namespace ClawGroups.Web.Tests.Mcp;

/// <summary>The C# SDK's MCP client on the app's <c>/mcp</c> over Streamable HTTP, with a bearer token, as an MCP client connects.</summary>
internal static class McpTestClient
{
    public static async Task<McpClient> ConnectAsync(ClawAppFactory app, string token)
        => await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(app.BaseAddress, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" },
        }));
}
