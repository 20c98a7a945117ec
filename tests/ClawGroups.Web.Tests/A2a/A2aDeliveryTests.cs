using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClawGroups.Testing.Waiting;
using ClawGroups.Web.Components.Groups;
using ClawGroups.Web.Tests.Groups;

namespace ClawGroups.Web.Tests.A2a;

/// <summary>
/// How an A2A agent's task drives its work item (docs/API.md, "An A2A agent joins"; decision 0027): the app on Kestrel and
/// PostgreSQL sends the work over real HTTP to a scripted A2A agent and polls its task.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class A2aDeliveryTests : IAsyncLifetime
{
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
    {
        ["ClawGroups:Coordinator:MinRoutingConfidence"] = "0",
        ["ClawGroups:Coordinator:MaxAttempts"] = "1",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_add_an_agent_pages_card_url_command_registers_the_agent_by_its_card()
    {
        await using var agent = await FakeA2aAgent.StartAsync();
        using var owner = _app.OwnerHttpClient();
        var group = await owner.PostAsJsonAsync("/api/v1/groups", new { name = $"by card {Guid.NewGuid():N}" });
        var groupId = (await group.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var token = await owner.PostAsJsonAsync($"/api/v1/groups/{groupId}/join-tokens", new { expiresInMinutes = 10, maxUses = 1 });
        var joinToken = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

        var command = AgentSnippets.RegisterByCard(_app.BaseAddress.ToString(), joinToken, agent.CardUrl);
        using var request = GroupPagesApiTests.CurlRequest(ShellWords.Split(command));
        using var anonymous = new HttpClient();
        using var response = await anonymous.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var member = (await owner.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}")).GetProperty("members").EnumerateArray()
            .Single(m => m.GetProperty("kind").GetString() == "agent");
        Assert.Equal(("fake-a2a", "a2a"), (member.GetProperty("name").GetString(), member.GetProperty("delivery").GetString()));
        Assert.Equal("reports", Assert.Single(member.GetProperty("skills").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_offer_goes_out_as_a_message_with_the_items_text_and_ids_and_a_working_task_puts_it_in_progress()
    {
        await using var agent = await FakeA2aAgent.StartAsync();
        var group = await A2aGroup.StartAsync(_app, agent);
        var itemId = await group.CreateItemAsync("Write the release notes", "For version 2.");
        var taskId = await A2aGroup.WaitForTaskAsync(agent);

        agent.SetState(taskId, "TASK_STATE_WORKING", "Collecting the changes.");
        // A working task is the agent's accept and then its progress report, two saves: the item can be seen in progress
        // between them, without the message yet, as after an agent's REST accept.
        var item = await group.WaitForItemAsync(itemId,
            item => item.GetProperty("state").GetString() == "inProgress"
                && item.TryGetProperty("progress", out var progress) && progress.ValueKind == JsonValueKind.Object
                && progress.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String,
            $"work item {itemId} in progress with the task's status message");

        Assert.Equal("Collecting the changes.", item.GetProperty("progress").GetProperty("message").GetString());
        var sent = agent.Calls.First(c => c.Method == "SendMessage").Params;
        Assert.True(sent.GetProperty("configuration").GetProperty("returnImmediately").GetBoolean());
        var parts = sent.GetProperty("message").GetProperty("parts");
        Assert.Equal("Write the release notes\n\nFor version 2.", parts[0].GetProperty("text").GetString());
        Assert.Equal(itemId, parts[1].GetProperty("data").GetProperty("workItemId").GetString());
        Assert.Equal(group.GroupId, parts[1].GetProperty("data").GetProperty("groupId").GetString());
        Assert.Equal("ROLE_USER", sent.GetProperty("message").GetProperty("role").GetString());
    }

    [Fact]
    public async Task A_completed_task_is_the_result_each_artifact_an_item_artifact_and_the_status_message_the_summary()
    {
        await using var agent = await FakeA2aAgent.StartAsync();
        var group = await A2aGroup.StartAsync(_app, agent);
        var itemId = await group.CreateItemAsync("Compare two queues");
        var taskId = await A2aGroup.WaitForTaskAsync(agent);

        agent.SetState(taskId, "TASK_STATE_COMPLETED", "Kafka wins.", new JsonArray(
            new JsonObject { ["artifactId"] = "a1", ["name"] = "notes", ["parts"] = new JsonArray(new JsonObject { ["text"] = "first" }, new JsonObject { ["text"] = "second" }) },
            new JsonObject { ["artifactId"] = "a2", ["name"] = "scores", ["parts"] = new JsonArray(new JsonObject { ["data"] = new JsonObject { ["kafka"] = 9 } }) },
            new JsonObject { ["artifactId"] = "a3", ["parts"] = new JsonArray(new JsonObject { ["text"] = "# Report", ["mediaType"] = "text/markdown" }) }));
        var item = await group.WaitForStateAsync(itemId, "inReview");

        var result = item.GetProperty("result");
        Assert.Equal("Kafka wins.", result.GetProperty("summary").GetString());
        var artifacts = result.GetProperty("artifacts").EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!);
        Assert.Equal(("text/plain", "first\n\nsecond"), (artifacts["notes"].GetProperty("mediaType").GetString(), artifacts["notes"].GetProperty("content").GetString()));
        Assert.Equal("application/json", artifacts["scores"].GetProperty("mediaType").GetString());
        Assert.Equal(9, JsonDocument.Parse(artifacts["scores"].GetProperty("content").GetString()!).RootElement.GetProperty("kafka").GetInt32());
        Assert.Equal("text/markdown", artifacts["a3"].GetProperty("mediaType").GetString());
    }

    [Fact]
    public async Task Without_a_final_status_message_the_first_artifacts_text_is_the_summary()
    {
        await using var agent = await FakeA2aAgent.StartAsync();
        var group = await A2aGroup.StartAsync(_app, agent);
        var itemId = await group.CreateItemAsync("Name the new service");
        var taskId = await A2aGroup.WaitForTaskAsync(agent);

        agent.SetState(taskId, "TASK_STATE_COMPLETED", artifacts: new JsonArray(
            new JsonObject { ["artifactId"] = "a1", ["name"] = "name", ["parts"] = new JsonArray(new JsonObject { ["text"] = "Lighthouse" }) }));
        var item = await group.WaitForStateAsync(itemId, "inReview");

        Assert.Equal("Lighthouse", item.GetProperty("result").GetProperty("summary").GetString());
    }

    [Fact]
    public async Task A_failed_task_fails_the_attempt()
    {
        await using var agent = await FakeA2aAgent.StartAsync();
        var group = await A2aGroup.StartAsync(_app, agent);
        var itemId = await group.CreateItemAsync("Migrate the billing tables");
        var taskId = await A2aGroup.WaitForTaskAsync(agent);
        agent.SetState(taskId, "TASK_STATE_WORKING");
        await group.WaitForStateAsync(itemId, "inProgress");

        agent.SetState(taskId, "TASK_STATE_FAILED", "The database refused the connection.");
        // One attempt allowed: the failed attempt leaves the item failed, waiting for a person.
        var item = await group.WaitForStateAsync(itemId, "failed");

        var attempt = item.GetProperty("assignments")[0];
        Assert.Equal("failed", attempt.GetProperty("outcome").GetString());
        Assert.Equal("The database refused the connection.", attempt.GetProperty("feedback").GetString());
    }

    [Fact]
    public async Task A_rejected_task_declines_the_offer()
    {
        await using var agent = await FakeA2aAgent.StartAsync();
        var group = await A2aGroup.StartAsync(_app, agent);
        var itemId = await group.CreateItemAsync("Paint the office");
        var taskId = await A2aGroup.WaitForTaskAsync(agent);

        agent.SetState(taskId, "TASK_STATE_REJECTED", "I only write software.");
        var item = await group.WaitForItemAsync(itemId,
            i => i.GetProperty("assignments").GetArrayLength() > 0 && i.GetProperty("assignments")[0].GetProperty("outcome").GetString() != "active",
            "the offer to end");

        Assert.Equal("declined", item.GetProperty("assignments")[0].GetProperty("outcome").GetString());
        Assert.Equal("I only write software.", item.GetProperty("assignments")[0].GetProperty("feedback").GetString());
    }

    [Fact]
    public async Task Input_required_waits_for_a_person_whose_answer_goes_back_as_a_message_on_the_same_task()
    {
        await using var agent = await FakeA2aAgent.StartAsync();
        agent.OnFollowUp = (task, text) => agent.SetState(task["id"]!.GetValue<string>(), "TASK_STATE_COMPLETED", $"Painted it {text.Split('\n')[0]}.");
        var group = await A2aGroup.StartAsync(_app, agent);
        var itemId = await group.CreateItemAsync("Style the sign-up button");
        var taskId = await A2aGroup.WaitForTaskAsync(agent);

        agent.SetState(taskId, "TASK_STATE_INPUT_REQUIRED", "Which colour should the button be?");
        var waiting = await group.WaitForItemAsync(itemId, i => i.TryGetProperty("question", out var q) && q.ValueKind == JsonValueKind.Object,
            "the item to wait for a person");
        Assert.Equal("inProgress", waiting.GetProperty("state").GetString());
        Assert.Equal("Which colour should the button be?", waiting.GetProperty("question").GetProperty("text").GetString());

        (await group.Owner.PostAsJsonAsync($"/api/v1/work-items/{itemId}/messages", new { text = "green" })).EnsureSuccessStatusCode();

        var answer = await Eventually.ReachAsync(
            () => Task.FromResult(agent.Calls.Where(c => c.Method == "SendMessage").Skip(1).Select(c => c.Params).FirstOrDefault()),
            p => p.ValueKind == JsonValueKind.Object, "the answer to reach the agent", TimeSpan.FromSeconds(40));
        Assert.Equal(taskId, answer.GetProperty("message").GetProperty("taskId").GetString());
        Assert.Equal($"ctx-{taskId}", answer.GetProperty("message").GetProperty("contextId").GetString());
        Assert.StartsWith("green", answer.GetProperty("message").GetProperty("parts")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        var done = await group.WaitForStateAsync(itemId, "inReview");
        Assert.Equal("Painted it green.", done.GetProperty("result").GetProperty("summary").GetString());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("question").ValueKind);
    }

    [Fact]
    public async Task Cancelling_the_item_cancels_the_agents_task()
    {
        await using var agent = await FakeA2aAgent.StartAsync();
        var group = await A2aGroup.StartAsync(_app, agent);
        var itemId = await group.CreateItemAsync("Rebuild the search index");
        var taskId = await A2aGroup.WaitForTaskAsync(agent);
        agent.SetState(taskId, "TASK_STATE_WORKING");
        await group.WaitForStateAsync(itemId, "inProgress");

        (await group.Owner.PostAsync($"/api/v1/work-items/{itemId}/cancel", null)).EnsureSuccessStatusCode();

        var cancel = await Eventually.ReachAsync(
            () => Task.FromResult(agent.Calls.Where(c => c.Method == "CancelTask").Select(c => c.Params).FirstOrDefault()),
            p => p.ValueKind == JsonValueKind.Object, "CancelTask to reach the agent", TimeSpan.FromSeconds(40));
        Assert.Equal(taskId, cancel.GetProperty("id").GetString());
    }
}
