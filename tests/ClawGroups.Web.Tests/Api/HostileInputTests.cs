using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Waiting;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Tests.Api;

/// <summary>
/// What a careless or hostile agent sent that once hurt others (issue 16): each is refused with problem details
/// naming the field, changes nothing, and leaves everything readable, on both databases.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class HostileInputTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_cost_beyond_what_the_database_gives_back_gets_422_and_the_item_and_usage_stay_readable(DatabaseProvider provider)
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync(provider: provider);
        await using var scenario = await ApiScenario.StartAsync(app);
        var work = await AgentAtWorkAsync(scenario);

        var response = await SendAsync(app, HttpMethod.Post, $"/api/v1/work-items/{work.ItemId}/progress", work.ApiKey,
            """{"fraction":0.5,"usage":{"costUsd":79228162514264337593543950335}}""");

        await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, field: "usage.costUsd");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, HttpMethod.Get, $"/api/v1/work-items/{work.ItemId}", ClawAppFactory.BootstrapToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, HttpMethod.Get, $"/api/v1/groups/{scenario.Group.Id}/usage", ClawAppFactory.BootstrapToken)).StatusCode);
        Assert.Equal(0.0, (await scenario.Human.GetWorkItemAsync(work.ItemId)).Progress?.Fraction ?? 0.0);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Token_counts_at_longs_limit_get_422_and_the_groups_usage_still_adds_up(DatabaseProvider provider)
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync(provider: provider);
        await using var scenario = await ApiScenario.StartAsync(app);
        var work = await AgentAtWorkAsync(scenario);
        await SendAsync(app, HttpMethod.Post, $"/api/v1/work-items/{work.ItemId}/progress", work.ApiKey,
            """{"fraction":0.2,"usage":{"inputTokens":1000,"outputTokens":10,"costUsd":0.25}}""");

        var response = await SendAsync(app, HttpMethod.Post, $"/api/v1/work-items/{work.ItemId}/progress", work.ApiKey,
            """{"fraction":0.5,"usage":{"inputTokens":9223372036854775807,"outputTokens":9223372036854775807}}""");

        await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, field: "usage.inputTokens");
        var usage = await SendAsync(app, HttpMethod.Get, $"/api/v1/groups/{scenario.Group.Id}/usage", ClawAppFactory.BootstrapToken);
        Assert.Equal(HttpStatusCode.OK, usage.StatusCode);
        var totals = JsonDocument.Parse(await usage.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1000, totals.GetProperty("inputTokens").GetInt64());
        Assert.Equal(0.25m, totals.GetProperty("costUsd").GetDecimal());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_nul_character_in_any_text_gets_422_naming_the_field(DatabaseProvider provider)
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync(provider: provider);
        await using var scenario = await ApiScenario.StartAsync(app);
        var work = await AgentAtWorkAsync(scenario);
        const string owner = ClawAppFactory.BootstrapToken;

        var group = await SendAsync(app, HttpMethod.Post, "/api/v1/groups", owner, """{"name":"ops\u0000"}""");
        var item = await SendAsync(app, HttpMethod.Post, $"/api/v1/groups/{scenario.Group.Id}/work-items", owner,
            """{"title":"Fix it","requiredSkills":["api","sq\u0000l"]}""");
        var heartbeat = await SendAsync(app, HttpMethod.Post, $"/api/v1/agents/{work.AgentId}/heartbeat", work.ApiKey, """{"status":"busy","note":"\u0000"}""");
        var progress = await SendAsync(app, HttpMethod.Post, $"/api/v1/work-items/{work.ItemId}/progress", work.ApiKey, """{"fraction":0.5,"message":"half\u0000way"}""");
        var surrogate = await SendAsync(app, HttpMethod.Post, $"/api/v1/work-items/{work.ItemId}/progress", work.ApiKey, """{"fraction":0.5,"message":"\ud800"}""");

        await AssertProblemAsync(group, HttpStatusCode.UnprocessableEntity, field: "name");
        await AssertProblemAsync(item, HttpStatusCode.UnprocessableEntity, field: "requiredSkills[1]");
        await AssertProblemAsync(heartbeat, HttpStatusCode.UnprocessableEntity, field: "note");
        await AssertProblemAsync(progress, HttpStatusCode.UnprocessableEntity, field: "message");
        await AssertProblemAsync(surrogate, HttpStatusCode.UnprocessableEntity, field: "message");
        Assert.Single(await scenario.Human.ListWorkItemsAsync(scenario.Group.Id));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_registration_refused_for_its_text_does_not_use_up_the_join_token(DatabaseProvider provider)
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync(provider: provider);
        await using var scenario = await ApiScenario.StartAsync(app);
        var once = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id, new CreateJoinToken(MaxUses: 1));

        var refused = await SendAsync(app, HttpMethod.Post, "/api/v1/agents", once.Token,
            """{"name":"pixel","delivery":"pull","skills":[{"id":"ui","name":"UI \u0000 work"}]}""");
        var clean = await SendAsync(app, HttpMethod.Post, "/api/v1/agents", once.Token, """{"name":"pixel","delivery":"pull"}""");

        await AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity, field: "skills[0].name");
        Assert.Equal(HttpStatusCode.Created, clean.StatusCode);
    }

    [Fact]
    public async Task The_same_result_posted_again_after_a_lost_answer_is_a_success_that_records_nothing_twice()
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync();
        await using var scenario = await ApiScenario.StartAsync(app, requireReview: false);
        var work = await AgentAtWorkAsync(scenario);
        const string result = """{"summary":"Fixed the endpoint","artifacts":[{"name":"patch.diff","content":"+ ok"},{"name":"notes.md","content":"why"}]}""";

        var first = await SendAsync(app, HttpMethod.Post, $"/api/v1/work-items/{work.ItemId}/result", work.ApiKey, result);
        var again = await SendAsync(app, HttpMethod.Post, $"/api/v1/work-items/{work.ItemId}/result", work.ApiKey, result);
        var different = await SendAsync(app, HttpMethod.Post, $"/api/v1/work-items/{work.ItemId}/result", work.ApiKey, """{"summary":"Something else"}""");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await AssertProblemAsync(different, HttpStatusCode.Conflict);
        var events = await scenario.Human.GetEventsAsync(work.ItemId);
        Assert.Single(events, e => e.Type == "work.result");
        Assert.DoesNotContain(events, e => e.Type == "work.lateResult");
        var item = await scenario.Human.GetWorkItemAsync(work.ItemId);
        Assert.Equal(WorkItemStates.Done, item.State);
    }

    [Fact]
    public async Task The_same_result_posted_again_while_in_review_is_a_success_and_the_item_stays_in_review()
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync();
        await using var scenario = await ApiScenario.StartAsync(app, requireReview: true);
        var work = await AgentAtWorkAsync(scenario);
        const string result = """{"summary":"Fixed the endpoint"}""";

        var first = await SendAsync(app, HttpMethod.Post, $"/api/v1/work-items/{work.ItemId}/result", work.ApiKey, result);
        var again = await SendAsync(app, HttpMethod.Post, $"/api/v1/work-items/{work.ItemId}/result", work.ApiKey, result);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Single(await scenario.Human.GetEventsAsync(work.ItemId), e => e.Type == "work.result");
        Assert.Equal(WorkItemStates.InReview, (await scenario.Human.GetWorkItemAsync(work.ItemId)).State);
    }

    [Fact]
    public async Task Retry_after_on_429_is_when_the_bucket_has_a_request_again_and_waiting_that_long_is_enough()
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?> { ["ClawGroups:Api:AgentRequestsPerMinute"] = "30" });
        await using var scenario = await ApiScenario.StartAsync(app);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var agent = await scenario.Human.RegisterAgentAsync(joinToken.Token, new AgentCard { Name = "chatty" });
        HttpResponseMessage refused;
        do
        {
            refused = await SendAsync(app, HttpMethod.Post, $"/api/v1/agents/{agent.AgentId}/heartbeat", agent.ApiKey, """{"status":"idle"}""");
        }
        while (refused.StatusCode != HttpStatusCode.TooManyRequests);

        var retryAfter = refused.Headers.RetryAfter?.Delta;
        await Task.Delay(retryAfter!.Value + TimeSpan.FromMilliseconds(200));
        var afterWaiting = await SendAsync(app, HttpMethod.Post, $"/api/v1/agents/{agent.AgentId}/heartbeat", agent.ApiKey, """{"status":"idle"}""");

        // 30 a minute: one request's worth every 2 s.
        Assert.Equal(TimeSpan.FromSeconds(2), retryAfter);
        Assert.Equal(HttpStatusCode.OK, afterWaiting.StatusCode);
    }

    [Theory]
    [InlineData("Development", "abc")]
    [InlineData("Development", "1.5")]
    [InlineData("Development", "99999999999")]
    [InlineData("Production", "abc")]
    public async Task A_wait_that_is_not_a_whole_number_gets_400_problem_details_naming_it(string environment, string waitSeconds)
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?> { ["environment"] = environment });
        await using var scenario = await ApiScenario.StartAsync(app);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var agent = await scenario.Human.RegisterAgentAsync(joinToken.Token, new AgentCard { Name = "puller" });

        var response = await SendAsync(app, HttpMethod.Get, $"/api/v1/agents/{agent.AgentId}/work?waitSeconds={waitSeconds}", agent.ApiKey);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("waitSeconds", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pull_for_another_agents_work_gets_403_and_for_an_agent_that_is_not_there_404()
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync();
        await using var scenario = await ApiScenario.StartAsync(app);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var puller = await scenario.Human.RegisterAgentAsync(joinToken.Token, new AgentCard { Name = "puller" });
        var other = await scenario.Human.RegisterAgentAsync(joinToken.Token, new AgentCard { Name = "other" });

        var others = await SendAsync(app, HttpMethod.Get, $"/api/v1/agents/{other.AgentId}/work?waitSeconds=0", puller.ApiKey);
        var nobodys = await SendAsync(app, HttpMethod.Get, $"/api/v1/agents/{Guid.NewGuid()}/work?waitSeconds=0", puller.ApiKey);
        var own = await SendAsync(app, HttpMethod.Get, $"/api/v1/agents/{puller.AgentId}/work?waitSeconds=0", puller.ApiKey);

        await AssertProblemAsync(others, HttpStatusCode.Forbidden);
        await AssertProblemAsync(nobodys, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, own.StatusCode);
    }

    [Fact]
    public async Task An_agent_that_was_not_asked_to_review_hears_403_before_anything_about_the_items_state()
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync();
        await using var scenario = await ApiScenario.StartAsync(app);
        var work = await AgentAtWorkAsync(scenario);

        var response = await SendAsync(app, HttpMethod.Post, $"/api/v1/work-items/{work.ItemId}/review", work.ApiKey, """{"approve":true}""");

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(WorkItemStates.InProgress, (await scenario.Human.GetWorkItemAsync(work.ItemId)).State);
    }

    [Fact]
    public async Task Background_work_that_keeps_failing_on_one_groups_data_shows_on_health_as_degraded()
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync(provider: DatabaseProvider.Sqlite);
        await using var scenario = await ApiScenario.StartAsync(app);
        var work = await AgentAtWorkAsync(scenario);
        await using (var context = app.Database.NewContext())
        {
            // A timestamp beyond DateTimeOffset's range: every read of the item's last report throws, the stall sweep's
            // judgement of its running work included (it reads only what it judges on: decision 0045).
            await context.Database.ExecuteSqlAsync($"""UPDATE "WorkItems" SET "ProgressAt" = {long.MaxValue} WHERE "Id" = {Guid.Parse(work.ItemId)}""");
        }

        var health = await Eventually.ReachAsync(
            async () => JsonDocument.Parse(await (await SendAsync(app, HttpMethod.Get, "/health", ClawAppFactory.BootstrapToken)).Content.ReadAsStringAsync()).RootElement.Clone(),
            body => body.GetProperty("checks").GetProperty("backgroundWork").GetProperty("status").GetString() == "degraded",
            "health to report the failing sweep", TimeSpan.FromSeconds(30));

        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Contains(scenario.Group.Id, health.GetProperty("checks").GetProperty("backgroundWork").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    private sealed record AgentWork(string AgentId, string ApiKey, string ItemId);

    /// <summary>A back-end agent that has been offered a back-end item and accepted it.</summary>
    private static async Task<AgentWork> AgentAtWorkAsync(ApiScenario scenario)
    {
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token, SkillProfiles.Backend);
        var agent = scenario.AgentClient(registration.ApiKey);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add an endpoint to export invoices as CSV"));
        await Eventually.ReachAsync(() => agent.PullWorkAsync(registration.AgentId, waitSeconds: 5), offer => offer?.Id == item.Id, "the item to be offered");
        await agent.AcceptAsync(item.Id);
        return new AgentWork(registration.AgentId, registration.ApiKey, item.Id);
    }

    private static async Task<HttpResponseMessage> SendAsync(ClawAppFactory app, HttpMethod method, string path, string token, string? json = null)
    {
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        if (field is not null)
        {
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _), $"errors name {field}: {body}");
        }

        return problem;
    }
}
