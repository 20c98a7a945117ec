using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;

namespace ClawGroups.Web.Tests.Api;

/// <summary>Every error status of docs/API.md, produced by a request that deserves it, with problem details and nothing changed.</summary>
[Collection(WebTestCollection.Name)]
public sealed class ApiErrorTests : IAsyncLifetime
{
    private ClawAppFactory _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?> { ["ClawGroups:Api:MaxRequestBodyBytes"] = "65536" });
        _http = new HttpClient { BaseAddress = _app.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task No_token_and_a_wrong_token_get_401()
    {
        var anonymous = await SendAsync(HttpMethod.Post, "/api/v1/groups", null, """{"name":"x"}""");
        var wrong = await SendAsync(HttpMethod.Post, "/api/v1/groups", "cg_pat_wrong", """{"name":"x"}""");

        await AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized);
        await AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "not known");
    }

    [Fact]
    public async Task Malformed_json_gets_400_that_says_where()
    {
        var response = await SendAsync(HttpMethod.Post, "/api/v1/groups", ClawAppFactory.BootstrapToken, """{"name": "x", "requireReview": tru}""");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "requireReview");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("big-1")] // the Idempotency-Key filter reads the body first, to hash it
    public async Task An_oversized_body_gets_413_and_creates_nothing(string? idempotencyKey)
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var body = JsonSerializer.Serialize(new { title = "big", description = new string('x', 70_000) });

        var response = await SendAsync(HttpMethod.Post, $"/api/v1/groups/{scenario.Group.Id}/work-items", ClawAppFactory.BootstrapToken, body, idempotencyKey);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(await scenario.Human.ListWorkItemsAsync(scenario.Group.Id));
    }

    [Fact]
    public async Task Out_of_range_values_get_422_naming_the_field()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);

        var token = await SendAsync(HttpMethod.Post, $"/api/v1/groups/{scenario.Group.Id}/join-tokens", ClawAppFactory.BootstrapToken,
            """{"expiresInMinutes": 0, "maxUses": 10}""");
        var item = await SendAsync(HttpMethod.Post, $"/api/v1/groups/{scenario.Group.Id}/work-items", ClawAppFactory.BootstrapToken, """{"title": ""}""");

        var tokenProblem = await AssertProblemAsync(token, HttpStatusCode.UnprocessableEntity);
        Assert.True(tokenProblem.GetProperty("errors").TryGetProperty("expiresInMinutes", out _));
        var itemProblem = await AssertProblemAsync(item, HttpStatusCode.UnprocessableEntity);
        Assert.True(itemProblem.GetProperty("errors").TryGetProperty("title", out _));
    }

    [Fact]
    public async Task An_agent_card_with_a_bad_skill_level_gets_422_naming_the_skill_and_registers_nothing()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);

        var response = await SendAsync(HttpMethod.Post, "/api/v1/agents", joinToken.Token,
            """{"name":"x","delivery":"pull","skills":[{"id":"a","name":"A"},{"id":"b","name":"B","level":7}]}""");

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("skills[1].level", out _));
        Assert.DoesNotContain((await scenario.Human.GetGroupAsync(scenario.Group.Id)).Members, m => m.Kind == "agent");
    }

    [Fact]
    public async Task An_unknown_or_used_up_join_token_gets_401()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var once = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id, new CreateJoinToken(MaxUses: 1));
        const string card = """{"name":"x","delivery":"pull"}""";

        var unknown = await SendAsync(HttpMethod.Post, "/api/v1/agents", "cg_join_nope", card);
        var first = await SendAsync(HttpMethod.Post, "/api/v1/agents", once.Token, card);
        var second = await SendAsync(HttpMethod.Post, "/api/v1/agents", once.Token, card);

        await AssertProblemAsync(unknown, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await AssertProblemAsync(second, HttpStatusCode.Unauthorized, "used");
    }

    [Fact]
    public async Task Unknown_ids_get_404()
    {
        var item = await SendAsync(HttpMethod.Get, $"/api/v1/work-items/{Guid.NewGuid()}", ClawAppFactory.BootstrapToken, null);
        var group = await SendAsync(HttpMethod.Get, $"/api/v1/groups/{Guid.NewGuid()}", ClawAppFactory.BootstrapToken, null);

        await AssertProblemAsync(item, HttpStatusCode.NotFound);
        await AssertProblemAsync(group, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_move_the_state_machine_forbids_gets_409_with_the_current_state()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Nobody can take this yet"));

        var response = await SendAsync(HttpMethod.Post, $"/api/v1/work-items/{item.Id}/review", ClawAppFactory.BootstrapToken, """{"approve": true}""");

        var problem = await AssertProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("ready", problem.GetProperty("state").GetString());
        Assert.Equal(WorkItemStates.Ready, (await scenario.Human.GetWorkItemAsync(item.Id)).State);
    }

    [Fact]
    public async Task An_agent_cannot_reach_another_agents_registration_or_another_groups_work()
    {
        await using var mine = await ApiScenario.StartAsync(_app);
        await using var theirs = await ApiScenario.StartAsync(_app);
        var me = await mine.StartAgentAsync("me", SkillProfiles.Backend, AgentDelivery.Pull, AgentBehaviour.Silent);
        var other = await theirs.StartAgentAsync("other", SkillProfiles.Backend, AgentDelivery.Pull);
        var theirItem = await theirs.Human.CreateWorkItemAsync(theirs.Group.Id, new CreateWorkItem("Their private work"));
        var myKey = me.Registration!.ApiKey;

        var heartbeat = await SendAsync(HttpMethod.Post, $"/api/v1/agents/{other.AgentId}/heartbeat", myKey, """{"status":"idle"}""");
        var read = await SendAsync(HttpMethod.Get, $"/api/v1/work-items/{theirItem.Id}", myKey, null);
        var group = await SendAsync(HttpMethod.Get, $"/api/v1/groups/{theirs.Group.Id}", myKey, null);
        var accept = await SendAsync(HttpMethod.Post, $"/api/v1/work-items/{theirItem.Id}/accept", myKey, "{}");

        await AssertProblemAsync(heartbeat, HttpStatusCode.Forbidden);
        await AssertProblemAsync(read, HttpStatusCode.Forbidden);
        await AssertProblemAsync(group, HttpStatusCode.Forbidden);
        await AssertProblemAsync(accept, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_agent_key_cannot_do_a_humans_moves()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var agent = await scenario.StartAgentAsync("eager", SkillProfiles.Backend, AgentDelivery.Pull, AgentBehaviour.Silent);

        var response = await SendAsync(HttpMethod.Post, $"/api/v1/groups/{scenario.Group.Id}/work-items", agent.Registration!.ApiKey, """{"title":"self-made"}""");

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_webhook_url_on_a_private_address_is_refused_unless_allowed()
    {
        await using var strict = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?> { ["ClawGroups:Webhooks:AllowPrivateAddresses"] = "false" });
        await using var scenario = await ApiScenario.StartAsync(strict);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        using var http = new HttpClient { BaseAddress = strict.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agents")
        {
            Content = new StringContent("""{"name":"sneaky","delivery":"webhook","url":"http://169.254.169.254/latest/meta-data"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", joinToken.Token);

        var response = await http.SendAsync(request);

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "private");
        Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _));
    }

    [Fact]
    public async Task Too_many_requests_from_one_agent_get_429_with_retry_after()
    {
        await using var limited = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?> { ["ClawGroups:Api:AgentRequestsPerMinute"] = "5" });
        await using var scenario = await ApiScenario.StartAsync(limited);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token, new AgentCard { Name = "chatty" });
        using var http = new HttpClient { BaseAddress = limited.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", registration.ApiKey);

        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add(await http.PostAsJsonAsync($"/api/v1/agents/{registration.AgentId}/heartbeat", new { status = "idle" }));
        }

        Assert.Equal(5, statuses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var refused = statuses.Last();
        await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter is not null, "429 carries Retry-After");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? json, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await _http.SendAsync(request);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? detailContains = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (detailContains is not null)
        {
            Assert.Contains(detailContains, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        }

        return problem;
    }
}
