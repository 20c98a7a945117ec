using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Coordinator.Accounts;
using ClawGroups.Web.Tests.Accounts;
using ClawGroups.Web.Tests.Api;

namespace ClawGroups.Web.Tests.A2a;

/// <summary>A group as an A2A agent over real HTTP on PostgreSQL: off by default, on for its owners' say, members only.</summary>
[Collection(WebTestCollection.Name)]
public sealed class GroupA2aEndpointTests : IAsyncLifetime
{
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task While_a2a_is_off_the_card_and_the_endpoint_are_not_found()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        using var http = _app.OwnerHttpClient();
        var a2a = new GroupA2aClient(http, scenario.Group.Id, ClawAppFactory.BootstrapToken);

        using var card = await a2a.CardAsync();
        using var call = await a2a.PostAsync("GetTask", new { id = Guid.NewGuid() });

        Assert.Equal(HttpStatusCode.NotFound, card.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, call.StatusCode);
        Assert.Equal("application/problem+json", call.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_owner_turns_a2a_on_and_off_with_a_patch_and_the_group_says_so()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        using var http = _app.OwnerHttpClient();

        var on = await PatchAsync(http, scenario.Group.Id, true);
        var off = await PatchAsync(http, scenario.Group.Id, false);

        Assert.True(on.GetProperty("a2aEnabled").GetBoolean());
        Assert.False(off.GetProperty("a2aEnabled").GetBoolean());
        using var card = await new GroupA2aClient(http, scenario.Group.Id, null).CardAsync();
        Assert.Equal(HttpStatusCode.NotFound, card.StatusCode);
    }

    [Fact]
    public async Task The_public_card_names_the_endpoint_and_what_members_can_do_but_not_who_they_are()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        using var http = _app.OwnerHttpClient();
        await PatchAsync(http, scenario.Group.Id, true);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        await scenario.Human.RegisterAgentAsync(joinToken.Token, SkillProfiles.Frontend with { Name = "pixel-the-secret-name" });
        using var anonymous = new HttpClient { BaseAddress = _app.BaseAddress };

        using var response = await new GroupA2aClient(anonymous, scenario.Group.Id, null).CardAsync();
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var card = JsonDocument.Parse(text).RootElement;
        var endpoint = card.GetProperty("supportedInterfaces")[0];
        Assert.Equal(new Uri(_app.BaseAddress, $"/a2a/{scenario.Group.Id}").ToString(), endpoint.GetProperty("url").GetString());
        Assert.Equal("JSONRPC", endpoint.GetProperty("protocolBinding").GetString());
        Assert.Equal("1.0", endpoint.GetProperty("protocolVersion").GetString());
        Assert.True(card.GetProperty("capabilities").GetProperty("streaming").GetBoolean());
        Assert.True(card.GetProperty("capabilities").GetProperty("pushNotifications").GetBoolean());
        Assert.Equal("Bearer", card.GetProperty("securitySchemes").GetProperty("bearer").GetProperty("httpAuthSecurityScheme").GetProperty("scheme").GetString());
        Assert.Contains(card.GetProperty("skills").EnumerateArray(), s => s.GetProperty("id").GetString() == "react");
        Assert.DoesNotContain("pixel-the-secret-name", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_endpoint_wants_a_members_token_401_without_or_with_a_bad_one_403_for_a_stranger()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        using var http = _app.OwnerHttpClient();
        await PatchAsync(http, scenario.Group.Id, true);
        var stranger = await _app.CreatePersonAsync("Stranger");
        var strangerToken = (await _app.RunAsync<AccessTokenService, AccessTokenCreated>(s => s.CreateAsync(stranger, new CreateAccessTokenRequest("a2a", 30), default))).Value!.Token;
        using var anonymous = new HttpClient { BaseAddress = _app.BaseAddress };
        var message = GroupA2aClient.Message("Build a settings page");

        using var none = await new GroupA2aClient(anonymous, scenario.Group.Id, null).PostAsync("SendMessage", message);
        using var bad = await new GroupA2aClient(anonymous, scenario.Group.Id, "cg_pat_not-a-real-token").PostAsync("SendMessage", message);
        using var foreign = await new GroupA2aClient(anonymous, scenario.Group.Id, strangerToken).PostAsync("SendMessage", message);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Empty(await scenario.Human.ListWorkItemsAsync(scenario.Group.Id));
    }

    [Fact]
    public async Task SendMessage_creates_a_work_item_whose_id_is_the_task_id()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        using var http = _app.OwnerHttpClient();
        await PatchAsync(http, scenario.Group.Id, true);
        var a2a = new GroupA2aClient(http, scenario.Group.Id, ClawAppFactory.BootstrapToken);

        var answer = await a2a.CallAsync("SendMessage", GroupA2aClient.Message("Build a settings page\nWith a dark mode switch."));

        var task = answer.GetProperty("result").GetProperty("task");
        Assert.Equal("TASK_STATE_SUBMITTED", task.GetProperty("status").GetProperty("state").GetString());
        var item = await scenario.Human.GetWorkItemAsync(task.GetProperty("id").GetString()!);
        Assert.Equal(scenario.Group.Id, item.GroupId);
        Assert.Equal("Build a settings page", item.Title);
        Assert.Contains("dark mode", item.Description ?? "", StringComparison.Ordinal);
        var read = await a2a.CallAsync("GetTask", new { id = item.Id });
        Assert.Equal(item.Id, read.GetProperty("result").GetProperty("id").GetString());
    }

    [Fact]
    public async Task CancelTask_cancels_the_item_and_a_cancelled_task_cannot_be_cancelled_again()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        using var http = _app.OwnerHttpClient();
        await PatchAsync(http, scenario.Group.Id, true);
        var a2a = new GroupA2aClient(http, scenario.Group.Id, ClawAppFactory.BootstrapToken);
        var taskId = (await a2a.CallAsync("SendMessage", GroupA2aClient.Message("Write the release notes")))
            .GetProperty("result").GetProperty("task").GetProperty("id").GetString()!;

        var cancelled = await a2a.CallAsync("CancelTask", new { id = taskId });
        var again = await a2a.CallAsync("CancelTask", new { id = taskId });

        Assert.Equal("TASK_STATE_CANCELED", cancelled.GetProperty("result").GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(WorkItemStates.Cancelled, (await scenario.Human.GetWorkItemAsync(taskId)).State);
        Assert.Equal(-32002, again.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Calls_the_endpoint_cannot_answer_get_a2a_error_codes()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        using var http = _app.OwnerHttpClient();
        await PatchAsync(http, scenario.Group.Id, true);
        var a2a = new GroupA2aClient(http, scenario.Group.Id, ClawAppFactory.BootstrapToken);

        var noVersion = await a2a.CallAsync("SendMessage", GroupA2aClient.Message("Anything"), withVersion: false);
        var unknownTask = await a2a.CallAsync("GetTask", new { id = Guid.NewGuid() });
        var unknownMethod = await a2a.CallAsync("message/send", new { });
        var badParams = await a2a.CallAsync("GetTask", new { historyLength = 1 });
        using var broken = await a2a.PostRawAsync("{ not json");

        Assert.Equal(-32009, Code(noVersion));
        Assert.Equal(-32001, Code(unknownTask));
        Assert.Equal(-32601, Code(unknownMethod));
        Assert.Equal(-32602, Code(badParams));
        Assert.Equal(-32700, Code(await broken.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Empty(await scenario.Human.ListWorkItemsAsync(scenario.Group.Id));
    }

    private static int Code(JsonElement response) => response.GetProperty("error").GetProperty("code").GetInt32();

    private static async Task<JsonElement> PatchAsync(HttpClient http, string groupId, bool enabled)
    {
        using var response = await http.PatchAsJsonAsync($"/api/v1/groups/{groupId}", new { a2aEnabled = enabled });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
    }
}
