using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ClawGroups.Interop.Tests;

/// <summary>
/// A group delegated to by the official A2A SDK's client (@a2a-js/sdk, ClientFactory): the message becomes a work item,
/// a pull agent of the group does it over REST, and the client's task completes with the result as its artifact.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class GroupAsA2aAgentTests(InteropServer server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task README_recipe_turns_a2a_on_and_the_sdk_client_gets_the_members_result_as_an_artifact()
    {
        using var owner = server.OwnerClient();
        var groupId = await CreateGroupAsync(owner);
        using var member = await PullMember.JoinAsync(owner, groupId, "scribe");
        var recipe = DelegateRecipe.Read();
        var environment = Environment(groupId);

        var shell = await RunShellAsync(recipe.Shell, environment);
        Assert.True(shell.ExitCode == 0, shell.Output);
        await File.WriteAllTextAsync(Path.Combine(NodeScript.Folder, "a2a-group-readme.mjs"), recipe.Script);
        await NodeScript.EnsureInstalledAsync();
        await using var client = NodeScript.Start("a2a-group-readme.mjs", environment);
        var itemId = await member.DoNextAsync("Release notes written.", "notes.md", "# 2.4\n- faster boards", Deadline);
        var run = await client.WaitAsync(Deadline);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var seen = JsonDocument.Parse(run.Lines.Last());
        Assert.Equal(itemId, seen.RootElement.GetProperty("id").GetString());
        Assert.Equal("TASK_STATE_COMPLETED", seen.RootElement.GetProperty("state").GetString());
        var artifact = Assert.Single(seen.RootElement.GetProperty("artifacts").EnumerateArray());
        Assert.Equal("notes.md", artifact.GetProperty("name").GetString());
        Assert.Equal("# 2.4\n- faster boards", artifact.GetProperty("text").GetString());
    }

    [Fact]
    public async Task The_sdk_streams_a_delegated_task_from_submitted_to_completed_with_its_artifact()
    {
        using var owner = server.OwnerClient();
        var groupId = await CreateGroupAsync(owner);
        await SetA2aAsync(owner, groupId, true);
        using var member = await PullMember.JoinAsync(owner, groupId, "streamer");
        var environment = new Dictionary<string, string>(Environment(groupId)) { ["TEXT"] = "Summarise the incident report" };

        await NodeScript.EnsureInstalledAsync();
        await using var client = NodeScript.Start("a2a-group-stream.mjs", environment);
        var first = JsonDocument.Parse(await client.NextLineAsync(Deadline)).RootElement.Clone();
        var itemId = await member.DoNextAsync("Summarised.", "summary.md", "All fine.", Deadline);
        var run = await client.WaitAsync(Deadline);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("task", first.GetProperty("kind").GetString());
        Assert.Equal(itemId, first.GetProperty("taskId").GetString());
        Assert.Equal("TASK_STATE_SUBMITTED", first.GetProperty("state").GetString());
        var events = run.Lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "artifactUpdate" && e.GetProperty("text").GetString() == "All fine.");
        var last = events.Last(e => e.GetProperty("kind").GetString() == "statusUpdate");
        Assert.Equal("TASK_STATE_COMPLETED", last.GetProperty("state").GetString());
        Assert.Equal("Summarised.", last.GetProperty("text").GetString());
        Assert.Equal("end", events[^1].GetProperty("kind").GetString());
    }

    [Fact]
    public async Task With_a2a_off_the_card_and_the_endpoint_are_not_found()
    {
        using var owner = server.OwnerClient();
        var groupId = await CreateGroupAsync(owner);
        await SetA2aAsync(owner, groupId, true);
        await SetA2aAsync(owner, groupId, false);

        using var card = await owner.GetAsync($"/a2a/{groupId}/.well-known/agent-card.json");
        using var endpoint = await owner.PostAsync($"/a2a/{groupId}", JsonContent.Create(new { jsonrpc = "2.0", id = 1, method = "GetTask", @params = new { id = groupId } }));
        var sdk = await NodeScript.RunAsync("a2a-group-stream.mjs", new Dictionary<string, string>(Environment(groupId)) { ["TEXT"] = "anything" }, Deadline);

        Assert.Equal(HttpStatusCode.NotFound, card.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, endpoint.StatusCode);
        Assert.NotEqual(0, sdk.ExitCode);
        Assert.Contains("404", sdk.Errors, StringComparison.Ordinal);
    }

    private Dictionary<string, string> Environment(string groupId) => new()
    {
        ["CLAW_URL"] = server.Url.AbsoluteUri.TrimEnd('/'),
        ["GROUP_ID"] = groupId,
        ["CLAW_TOKEN"] = InteropServer.BootstrapToken,
    };

    private static async Task<string> CreateGroupAsync(HttpClient owner)
    {
        using var created = await owner.PostAsJsonAsync("/api/v1/groups", new { name = $"a2a {Guid.NewGuid():N}", requireReview = false });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task SetA2aAsync(HttpClient owner, string groupId, bool enabled)
    {
        using var patched = await owner.PatchAsJsonAsync($"/api/v1/groups/{groupId}", new { a2aEnabled = enabled });
        patched.EnsureSuccessStatusCode();
    }

    private static async Task<(int ExitCode, string Output)> RunShellAsync(string script, IReadOnlyDictionary<string, string> environment)
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
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, $"{await output}\n{await errors}");
    }
}
