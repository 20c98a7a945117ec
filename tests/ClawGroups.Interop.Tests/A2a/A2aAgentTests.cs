using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ClawGroups.Testing.Waiting;

namespace ClawGroups.Interop.Tests.A2a;

/// <summary>
/// An agent built with @a2a-js/sdk's server (DefaultRequestHandler, an AgentExecutor, its express JSON-RPC handler) joins a
/// group by its card URL and works items the coordinator sends it over A2A (issue 13, decision 0027).
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class A2aAgentTests(InteropServer server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task An_sdk_agent_registered_by_its_card_url_completes_an_item_with_its_artifacts()
    {
        await using var agent = await StartAgentAsync("complete");
        using var owner = server.OwnerClient();
        var groupId = await CreateGroupAsync(owner);
        var agentId = await RegisterByCardAsync(owner, groupId, agent.CardUrl);

        var itemId = await CreateItemAsync(owner, groupId, "Quarterly report", "Sum up the quarter in one page.");
        var item = await WaitForStateAsync(owner, itemId, "inReview");

        var result = item.GetProperty("result");
        Assert.Equal("All done.", result.GetProperty("summary").GetString());
        var artifacts = result.GetProperty("artifacts").EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!);
        Assert.Equal("text/markdown", artifacts["report.md"].GetProperty("mediaType").GetString());
        Assert.Contains("Done: Quarterly report", artifacts["report.md"].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal("application/json", artifacts["facts"].GetProperty("mediaType").GetString());
        Assert.Equal(itemId, JsonDocument.Parse(artifacts["facts"].GetProperty("content").GetString()!).RootElement.GetProperty("workItemId").GetString());
        Assert.Equal(agentId, item.GetProperty("assignments")[0].GetProperty("memberId").GetString());
        var sent = agent.Lines.Select(l => JsonDocument.Parse(l).RootElement).Single(l => l.TryGetProperty("event", out var e) && e.GetString() == "message");
        Assert.Equal("Quarterly report\n\nSum up the quarter in one page.", sent.GetProperty("text").GetString());
        Assert.Equal(itemId, sent.GetProperty("data")[0].GetProperty("workItemId").GetString());
        Assert.Equal(groupId, sent.GetProperty("data")[0].GetProperty("groupId").GetString());
        // The card says pushNotifications: the SDK pushed the task's updates to the URL it was given, with its token, and the
        // server took them (the SDK's sender logs this line only for a 2xx answer).
        var push = agent.Lines.Select(l => JsonDocument.Parse(l).RootElement).First(l => l.TryGetProperty("event", out var e) && e.GetString() == "push");
        Assert.Contains("/a2a-push/", push.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.True(push.GetProperty("token").GetBoolean());
        Assert.Contains(agent.Script.Lines, l => l.StartsWith("Push notification sent for task_id=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_takeover_cancels_the_agents_task()
    {
        await using var agent = await StartAgentAsync("hold");
        using var owner = server.OwnerClient();
        var groupId = await CreateGroupAsync(owner);
        await RegisterByCardAsync(owner, groupId, agent.CardUrl);
        var itemId = await CreateItemAsync(owner, groupId, "Long migration", "Move the data over.");
        await WaitForStateAsync(owner, itemId, "inProgress");
        var taskId = agent.Lines.Select(l => JsonDocument.Parse(l).RootElement)
            .Single(l => l.TryGetProperty("event", out var e) && e.GetString() == "message").GetProperty("taskId").GetString();

        (await owner.PostAsync($"/api/v1/work-items/{itemId}/takeover", null)).EnsureSuccessStatusCode();

        var cancel = await Eventually.ReachAsync(
            () => Task.FromResult(agent.Lines.Select(l => JsonDocument.Parse(l).RootElement)
                .FirstOrDefault(l => l.TryGetProperty("event", out var e) && e.GetString() == "cancel")),
            line => line.ValueKind == JsonValueKind.Object, "the agent to see its task canceled", Patience);
        Assert.Equal(taskId, cancel.GetProperty("taskId").GetString());
    }

    [Fact]
    public async Task The_agents_question_reaches_the_groups_a2a_client_as_input_required_and_the_clients_answer_finishes_the_work()
    {
        // Both ends speak A2A: a client delegates to the group, the group's only member is an SDK agent that asks back.
        await using var agent = await StartAgentAsync("ask");
        using var owner = server.OwnerClient();
        var groupId = await CreateGroupAsync(owner, requireReview: false);
        await RegisterByCardAsync(owner, groupId, agent.CardUrl);
        (await owner.PatchAsJsonAsync($"/api/v1/groups/{groupId}", new { a2aEnabled = true })).EnsureSuccessStatusCode();

        var sent = await CallGroupAsync(owner, groupId, "SendMessage", new
        {
            message = new { messageId = Guid.NewGuid().ToString(), role = "ROLE_USER", parts = new object[] { new { text = "Paint the sign-up button" } } },
            configuration = new { returnImmediately = true },
        });
        var taskId = sent.GetProperty("task").GetProperty("id").GetString()!;
        var asking = await WaitForTaskStateAsync(owner, groupId, taskId, "TASK_STATE_INPUT_REQUIRED");
        Assert.Equal("Which colour should the button be?", asking.GetProperty("status").GetProperty("message").GetProperty("parts")[0].GetProperty("text").GetString());

        await CallGroupAsync(owner, groupId, "SendMessage", new
        {
            message = new { messageId = Guid.NewGuid().ToString(), taskId, role = "ROLE_USER", parts = new object[] { new { text = "Teal, please." } } },
            configuration = new { returnImmediately = true },
        });
        var done = await WaitForTaskStateAsync(owner, groupId, taskId, "TASK_STATE_COMPLETED");

        var answer = Assert.Single(done.GetProperty("artifacts").EnumerateArray());
        Assert.Equal("answer.md", answer.GetProperty("name").GetString());
        Assert.Contains("Teal, please.", answer.GetProperty("parts")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        var followUp = agent.Lines.Select(l => JsonDocument.Parse(l).RootElement).Single(l => l.TryGetProperty("followUp", out var f) && f.GetBoolean());
        // The answer reaches the agent as any steering message does: the words, then who wrote them.
        Assert.StartsWith("Teal, please.", followUp.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    private async Task<SdkAgent> StartAgentAsync(string mode)
    {
        await NodeScript.EnsureInstalledAsync();
        var script = NodeScript.Start("a2a-agent-worker.mjs", new Dictionary<string, string> { ["A2A_AGENT_MODE"] = mode });
        var first = JsonDocument.Parse(await script.NextLineAsync(TimeSpan.FromSeconds(30))).RootElement;
        return new SdkAgent(script, first.GetProperty("cardUrl").GetString()!);
    }

    private static async Task<string> CreateGroupAsync(HttpClient owner, bool requireReview = true)
    {
        var created = await owner.PostAsJsonAsync("/api/v1/groups", new { name = $"a2a-{Guid.NewGuid():N}", requireReview });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<string> RegisterByCardAsync(HttpClient owner, string groupId, string cardUrl)
    {
        var token = await owner.PostAsJsonAsync($"/api/v1/groups/{groupId}/join-tokens", new { expiresInMinutes = 10, maxUses = 1 });
        token.EnsureSuccessStatusCode();
        using var join = new HttpClient { BaseAddress = server.Url };
        join.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
        var registered = await join.PostAsJsonAsync("/api/v1/agents", new { delivery = "a2a", cardUrl });
        Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        return (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("agentId").GetString()!;
    }

    private static async Task<string> CreateItemAsync(HttpClient owner, string groupId, string title, string description)
    {
        var created = await owner.PostAsJsonAsync($"/api/v1/groups/{groupId}/work-items", new { title, description });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> WaitForStateAsync(HttpClient owner, string itemId, string state)
        => await Eventually.ReachAsync(
            async () => await owner.GetFromJsonAsync<JsonElement>($"/api/v1/work-items/{itemId}"),
            item => item.GetProperty("state").GetString() == state,
            $"work item {itemId} to be {state} (server problems: {string.Join(" | ", server.Problems)})", Patience);

    /// <summary>A JSON-RPC call to the group's A2A endpoint as the owner, raw, so the test sees the wire format; its result.</summary>
    private async Task<JsonElement> CallGroupAsync(HttpClient owner, string groupId, string method, object parameters)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/a2a/{groupId}")
        {
            Content = JsonContent.Create(new { jsonrpc = "2.0", id = 1, method, @params = parameters }),
        };
        request.Headers.Add("A2A-Version", "1.0");
        using var response = await owner.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.TryGetProperty("result", out var result), $"{method}: {body} (server problems: {string.Join(" | ", server.Problems)})");
        return result.Clone();
    }

    private async Task<JsonElement> WaitForTaskStateAsync(HttpClient owner, string groupId, string taskId, string state)
        => await Eventually.ReachAsync(
            () => CallGroupAsync(owner, groupId, "GetTask", new { id = taskId }),
            task => task.GetProperty("status").GetProperty("state").GetString() == state,
            $"task {taskId} to be {state} (server problems: {string.Join(" | ", server.Problems)})", Patience);

    private sealed record SdkAgent(RunningNodeScript Script, string CardUrl) : IAsyncDisposable
    {
        /// <summary>What the agent printed after its address.</summary>
        public IEnumerable<string> Lines => Script.Lines.Skip(1).Where(l => l.StartsWith('{'));

        public ValueTask DisposeAsync() => Script.DisposeAsync();
    }
}
