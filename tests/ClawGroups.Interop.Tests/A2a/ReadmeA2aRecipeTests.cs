using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ClawGroups.Testing;
using ClawGroups.Testing.Waiting;

namespace ClawGroups.Interop.Tests.A2a;

/// <summary>The README's "Connect an A2A agent" recipe, run as written with bash against the app and an @a2a-js/sdk agent.</summary>
[Collection(InteropCollection.Name)]
public sealed class ReadmeA2aRecipeTests(InteropServer server)
{
    [Fact]
    public async Task The_readme_recipe_registers_an_sdk_agent_by_its_card_and_its_item_reaches_review()
    {
        await NodeScript.EnsureInstalledAsync();
        await using var agent = NodeScript.Start("a2a-agent-worker.mjs", new Dictionary<string, string> { ["A2A_AGENT_MODE"] = "complete" });
        var cardUrl = JsonDocument.Parse(await agent.NextLineAsync(TimeSpan.FromSeconds(30))).RootElement.GetProperty("cardUrl").GetString()!;
        using var owner = server.OwnerClient();
        var created = await owner.PostAsJsonAsync("/api/v1/groups", new { name = $"readme-{Guid.NewGuid():N}" });
        created.EnsureSuccessStatusCode();
        var groupId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var (exitCode, output) = await RunBashAsync(Recipe(), new Dictionary<string, string>
        {
            ["API"] = new Uri(server.Url, "/api/v1").AbsoluteUri,
            ["OWNER"] = InteropServer.BootstrapToken,
            ["GROUP"] = groupId,
            ["CARD"] = cardUrl,
        });

        Assert.True(exitCode == 0, output);
        Assert.Contains($"\"groupId\": \"{groupId}\"", output, StringComparison.Ordinal);
        var item = await Eventually.ReachAsync(
            async () => (await owner.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/work-items")).EnumerateArray().Single(),
            i => i.GetProperty("state").GetString() == "inReview", "the recipe's item to reach review", TimeSpan.FromSeconds(90));
        Assert.Equal("Write the release notes", item.GetProperty("title").GetString());
    }

    /// <summary>The first bash block of the README section "Connect an A2A agent", exactly as it stands.</summary>
    private static string Recipe()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root(), "README.md"));
        var section = readme[readme.IndexOf("### Connect an A2A agent", StringComparison.Ordinal)..];
        var start = section.IndexOf("```bash\n", StringComparison.Ordinal) + "```bash\n".Length;
        return section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
    }

    private static async Task<(int ExitCode, string Output)> RunBashAsync(string script, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, $"{await stdout}\n{await stderr}");
    }
}
