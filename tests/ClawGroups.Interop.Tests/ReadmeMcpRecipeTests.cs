using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClawGroups.Testing;

namespace ClawGroups.Interop.Tests;

/// <summary>
/// README "Connect Claude Code (MCP)" run as written: its shell block registers the agent with curl and adds the server with
/// `claude mcp add` (a stand-in `claude` records the arguments), its mcpServers block is read as a client reads it, and the
/// official SDK connects with each and calls next_work. Only the placeholders are filled in: the server's address, the join
/// token and the key the registration answered.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed partial class ReadmeMcpRecipeTests(InteropServer server)
{
    private const string ExampleServer = "http://localhost:5000";

    [Fact]
    public async Task The_README_recipe_connects_an_MCP_client_as_the_registered_agent()
    {
        var (shell, json) = await RecipeAsync();
        using var owner = server.OwnerClient();
        var group = await McpGroup.CreateAsync(owner);
        var join = await McpGroup.ReadAsync(await owner.PostAsJsonAsync($"/api/v1/groups/{group.Id}/join-tokens", new { maxUses = 1 }));
        var keyLine = shell.FindIndex(line => line.StartsWith("KEY=", StringComparison.Ordinal));
        var claw = server.Url.AbsoluteUri.TrimEnd('/');

        // Up to the key: the registration, whose answer holds the key.
        var registration = await BashAsync(Fill(shell[..keyLine], claw, join["token"]!.GetValue<string>(), key: null));
        var key = JsonDocument.Parse(registration).RootElement.GetProperty("apiKey").GetString()!;
        // From the key on, after the block's settings: `claude mcp add`, with a stand-in claude that prints its arguments, one a line.
        var settings = shell[..keyLine].Where(line => line.StartsWith("CLAW=", StringComparison.Ordinal));
        var claude = (await BashAsync(Fill(settings.Concat(shell[keyLine..]), claw, joinToken: null, key), standInClaude: true))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["mcp", "add", "--transport", "http", "claw-groups"], claude[..5]);
        Assert.Equal("--header", claude[6]);
        await AssertConnectsAsAgentAsync(claude[5], claude[7]["Authorization: Bearer ".Length..], key);
        var servers = JsonDocument.Parse(json.Replace(ExampleServer, claw, StringComparison.Ordinal).Replace("cg_agent_…", key, StringComparison.Ordinal));
        var entry = servers.RootElement.GetProperty("mcpServers").GetProperty("claw-groups");
        Assert.Equal("http", entry.GetProperty("type").GetString());
        await AssertConnectsAsAgentAsync(entry.GetProperty("url").GetString()!,
            entry.GetProperty("headers").GetProperty("Authorization").GetString()!["Bearer ".Length..], key);
    }

    private async Task AssertConnectsAsAgentAsync(string url, string token, string key)
    {
        Assert.Equal(key, token);
        Assert.Equal(new Uri(server.Url, "/mcp"), new Uri(url));
        var run = await McpRun.StartAsync(server.Url, token, McpRun.Call("next_work", new { waitSeconds = 0 }));
        Assert.Contains(run.Connect.GetProperty("tools").EnumerateArray(), t => t.GetProperty("name").GetString() == "next_work");
        Assert.False(Assert.Single(run.Calls).GetProperty("isError").GetBoolean(), run.Raw.ToString());
    }

    /// <summary>The section's bash block (as lines) and its json block.</summary>
    private static async Task<(List<string> Shell, string Json)> RecipeAsync()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Repository.Root(), "README.md"));
        var start = readme.IndexOf("## Connect Claude Code (MCP)", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no section \"Connect Claude Code (MCP)\".");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        string Block(string language) => FencedBlock().Matches(section).Single(m => m.Groups[1].Value == language).Groups[2].Value;
        return (Block("bash").Split('\n').ToList(), Block("json"));
    }

    private static string Fill(IEnumerable<string> lines, string claw, string? joinToken, string? key) => string.Join('\n', lines.Select(line =>
        line.StartsWith("CLAW=", StringComparison.Ordinal) ? $"CLAW={claw}"
        : line.StartsWith("JOIN=", StringComparison.Ordinal) ? $"JOIN='{joinToken}'"
        : line.StartsWith("KEY=", StringComparison.Ordinal) ? $"KEY='{key}'"
        : line));

    private static async Task<string> BashAsync(string script, bool standInClaude = false)
    {
        // The stand-in is a shell function: it wins over any real claude on PATH and prints what it was given.
        var prelude = standInClaude ? "claude() { printf '%s\\n' \"$@\"; }\n" : "";
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", prelude + script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(process.ExitCode == 0, $"bash exited {process.ExitCode}: {await errors}\n{script}");
        return await output;
    }

    [GeneratedRegex(@"```(\w+)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex FencedBlock();
}
