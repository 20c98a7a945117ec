using System.Text.Json;
using Xunit.Abstractions;

namespace ClawGroups.Interop.Tests;

/// <summary>
/// The official MCP conformance suite (@modelcontextprotocol/conformance, server mode) against /mcp, through
/// Node/mcp-conformance.mjs. Most scenarios call the tools, prompts and resources of the SDKs' "everything" test server,
/// which a server with its own twelve tools does not have; the scenarios about the protocol itself must pass
/// (docs/INTEROP.md lists every scenario and why it passes or not).
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class McpConformanceTests(InteropServer server, ITestOutputHelper output)
{
    /// <summary>What a tools-only server must pass: the handshake, ping, and listing its tools.</summary>
    public static readonly string[] Applicable = ["server-initialize", "ping", "tools-list", "dns-rebinding-protection"];

    [Fact]
    public async Task The_protocol_scenarios_of_the_official_conformance_suite_pass()
    {
        var run = await NodeScript.RunAsync("mcp-conformance.mjs", new Dictionary<string, string>
        {
            ["CLAW_MCP_URL"] = new Uri(server.Url, "/mcp").AbsoluteUri,
            ["CLAW_TOKEN"] = InteropServer.BootstrapToken,
        }, TimeSpan.FromMinutes(8));
        foreach (var line in run.Lines)
            output.WriteLine(line);

        var scenarios = run.Lines.Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => line.TryGetProperty("scenario", out _))
            .ToDictionary(line => line.GetProperty("scenario").GetString()!, line => line.GetProperty("checks").EnumerateArray().ToList());
        foreach (var scenario in Applicable)
        {
            Assert.True(scenarios.TryGetValue(scenario, out var checks), $"{scenario} did not run: {run}");
            Assert.NotEmpty(checks);
            Assert.All(checks, check => Assert.True(check.GetProperty("status").GetString() is "SUCCESS" or "WARNING", $"{scenario}: {check}"));
        }
    }
}
