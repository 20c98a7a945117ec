using System.Text.Json;

namespace ClawGroups.Interop.Tests;

/// <summary>
/// One run of Node/mcp-calls.mjs: the official TypeScript SDK's client connects to /mcp with a token, lists the tools and
/// makes the calls in order. The steps it printed, parsed.
/// </summary>
public sealed record McpRun(JsonElement Connect, IReadOnlyList<JsonElement> Calls, NodeRun Raw)
{
    public static async Task<McpRun> StartAsync(Uri server, string? token, params object[] calls)
    {
        var environment = new Dictionary<string, string>
        {
            ["CLAW_MCP_URL"] = new Uri(server, "/mcp").AbsoluteUri,
            ["CLAW_CALLS"] = JsonSerializer.Serialize(calls),
        };
        if (token is not null)
            environment["CLAW_TOKEN"] = token;
        var run = await NodeScript.RunAsync("mcp-calls.mjs", environment, TimeSpan.FromMinutes(2));
        if (run.ExitCode != 0)
            throw new InvalidOperationException("mcp-calls.mjs failed: " + run);
        var steps = run.Lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        return new McpRun(steps[0], steps.Skip(1).ToList(), run);
    }

    public static object Call(string name, object? arguments = null) => new { name, arguments = arguments ?? new { } };
}
