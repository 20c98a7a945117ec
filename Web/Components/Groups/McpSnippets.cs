using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClawGroups.Web.Components.Groups;

/// <summary>
/// What an MCP client needs to join a group as an agent (docs/API.md, "MCP server"): the server's <c>/mcp</c> address and an
/// agent key in the Authorization header — as a Claude Code command line and as the <c>mcpServers</c> block other clients
/// read. README "Connect Claude Code (MCP)" shows the same two, and a test runs them.
/// </summary>
public static class McpSnippets
{
    /// <summary>The name the client lists the server under; its tools appear as <c>mcp__claw-groups__next_work</c> and so on.</summary>
    public const string ServerName = "claw-groups";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The MCP endpoint for a page's <c>NavigationManager.BaseUri</c>, e.g. <c>https://claw.example/mcp</c>.</summary>
    public static string Endpoint(string baseUri)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        return baseUri.TrimEnd('/') + "/mcp";
    }

    /// <summary><c>claude mcp add</c> over Streamable HTTP with the key as a bearer header.</summary>
    public static string ClaudeCommand(string baseUri, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        return $"claude mcp add --transport http {ServerName} {AgentSnippets.Quote(Endpoint(baseUri))} --header {AgentSnippets.Quote("Authorization: Bearer " + apiKey)}";
    }

    /// <summary>The <c>mcpServers</c> block (Claude Desktop's <c>.mcp.json</c> form, which Cursor, VS Code and others read too).</summary>
    public static string ServersJson(string baseUri, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        var servers = new JsonObject
        {
            ["mcpServers"] = new JsonObject
            {
                [ServerName] = new JsonObject
                {
                    ["type"] = "http",
                    ["url"] = Endpoint(baseUri),
                    ["headers"] = new JsonObject { ["Authorization"] = "Bearer " + apiKey },
                },
            },
        };
        return servers.ToJsonString(Indented);
    }

    /// <summary>The agent card the page registers for an MCP client: the draft's name and skills, delivered by pull.</summary>
    public static JsonElement AgentCard(AgentDraft draft) => JsonDocument.Parse(AgentSnippets.AgentCard(draft)).RootElement.Clone();
}
