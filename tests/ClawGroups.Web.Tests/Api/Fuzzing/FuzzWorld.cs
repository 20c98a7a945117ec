using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ClawGroups.Coordinator.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Web.Tests.Api.Fuzzing;

/// <summary>An answer as it came, for the checks.</summary>
internal sealed record FuzzResponse(int Status, string? ContentType, string Body, Uri? Location);

/// <summary>
/// What the fuzzed requests act on: the app (in process, on a fresh database, without a job server so that nothing but
/// the requests changes the data), a group with its agent, a second agent, another group with an agent and an item, and
/// the work items as the database has them after the last request.
/// </summary>
internal sealed class FuzzWorld : IAsyncDisposable
{
    private readonly ClawAppFactory _factory;
    private readonly WebApplicationFactory<Program> _app;
    private readonly HashSet<Guid> _quarantined = [];

    private FuzzWorld(ClawAppFactory factory, WebApplicationFactory<Program> app, ServerErrorLog errors)
    {
        _factory = factory;
        _app = app;
        Errors = errors;
        Http = app.CreateClient();
    }

    public HttpClient Http { get; }

    public ServerErrorLog Errors { get; }

    public Guid GroupId { get; private set; }

    /// <summary>The agent whose key the agent requests carry.</summary>
    public Guid AgentId { get; private set; }

    /// <summary>A second agent of the group: a member to reassign to, and an id that is not the caller's.</summary>
    public Guid OtherAgentId { get; private set; }

    public Guid OtherGroupId { get; private set; }

    public Guid OtherGroupItemId { get; private set; }

    private string AgentKey { get; set; } = "";

    private string OtherGroupAgentKey { get; set; } = "";

    private string JoinToken { get; set; } = "";

    private Guid SeedItemId { get; set; }

    public StateSnapshot Current { get; private set; } = null!;

    /// <summary>
    /// The app with the job server off: no assignment pass or sweep moves anything between a request and the snapshot
    /// after it (the signs of life written in the background are written before each snapshot, <see cref="RefreshAsync"/>). Items reach an agent by a person's reassignment, as the API allows.
    /// </summary>
    public static async Task<FuzzWorld> StartAsync(DatabaseProvider provider)
    {
        var factory = new ClawAppFactory(await TestDatabase.CreateAsync(provider), new Dictionary<string, string?>
        {
            ["ClawGroups:Jobs:RunServer"] = "false",
            // Routing is not the subject: the lexical model reads item texts without loading the MoE weights.
            ["ClawGroups:Inference:Model"] = "lexical",
            ["ClawGroups:Api:AgentRequestsPerMinute"] = "1000000",
            ["ClawGroups:Api:HumanRequestsPerMinute"] = "1000000",
        });
        var errors = new ServerErrorLog();
        var app = factory.WithWebHostBuilder(builder => builder.ConfigureLogging(logging => logging.AddProvider(errors)));
        var world = new FuzzWorld(factory, app, errors);
        try
        {
            await world.SetUpAsync();
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    private async Task SetUpAsync()
    {
        OtherGroupId = Id(await RequireAsync(HttpMethod.Post, "/api/v1/groups", Credential.Human, """{"name":"Another group"}"""));
        var otherJoin = Field(await RequireAsync(HttpMethod.Post, $"/api/v1/groups/{OtherGroupId}/join-tokens", Credential.Human, "{}"), "token");
        OtherGroupAgentKey = Field(await SendAsync(new FuzzRequest("set-up", HttpMethod.Post, "/api/v1/agents", Credential.None, Card("elsewhere", 2)), otherJoin), "apiKey");
        OtherGroupItemId = Id(await RequireAsync(HttpMethod.Post, $"/api/v1/groups/{OtherGroupId}/work-items", Credential.Human, """{"title":"Not yours"}"""));
        await StartGroupAsync();
    }

    /// <summary>
    /// A fresh group to fuzz, with its join token, the agent whose key the agent requests carry, a second agent, and a first
    /// item. Used at the start, and when a request left the group's reads broken: later defects must not hide behind that one.
    /// </summary>
    public async Task StartGroupAsync()
    {
        GroupId = Id(await RequireAsync(HttpMethod.Post, "/api/v1/groups", Credential.Human, """{"name":"Fuzz group","requireReview":true}"""));
        JoinToken = Field(await RequireAsync(HttpMethod.Post, $"/api/v1/groups/{GroupId}/join-tokens", Credential.Human, """{"expiresInMinutes":600,"maxUses":1000}"""), "token");
        var agent = await RequireAsync(HttpMethod.Post, "/api/v1/agents", Credential.JoinToken, Card("fuzz-agent", 100));
        (AgentId, AgentKey) = (Guid.Parse(Field(agent, "agentId")), Field(agent, "apiKey"));
        OtherAgentId = Guid.Parse(Field(await RequireAsync(HttpMethod.Post, "/api/v1/agents", Credential.JoinToken, Card("second-agent", 100)), "agentId"));
        SeedItemId = Id(await RequireAsync(HttpMethod.Post, $"/api/v1/groups/{GroupId}/work-items", Credential.Human, """{"title":"The first item","description":"Others depend on it."}"""));
        await RefreshAsync();
    }

    /// <summary>An item a request broke (a 500, or it no longer reads): later requests aim elsewhere, so that it hides nothing else.</summary>
    public void Quarantine(Guid item) => _quarantined.Add(item);

    /// <summary>The items requests may aim at: all but the quarantined.</summary>
    public IReadOnlyList<ItemState> Candidates => Current.WorkItems.Where(w => !_quarantined.Contains(w.Id)).ToList();

    /// <summary>Fills in the ids a valid body names: <c>{anyItem}</c> (an item of the group), <c>{otherAgent}</c> (the second agent).</summary>
    public string Fill(string body) => body
        .Replace("{anyItem}", SeedItemId.ToString(), StringComparison.Ordinal)
        .Replace("{otherAgent}", OtherAgentId.ToString(), StringComparison.Ordinal);

    public async Task<StateSnapshot> RefreshAsync()
    {
        // The signs of life that agents' reports gave are written twice a second: stored first, so that one from an accepted
        // report is seen after that report, and never as the change of a refusal after it (decision 0052).
        await _app.Services.GetRequiredService<SignsOfLifeWriter>().WriteAsync(CancellationToken.None);
        await using var db = _factory.Database.NewContext();
        Current = await StateSnapshot.TakeAsync(db);
        return Current;
    }

    public ClawDbContext NewContext() => _factory.Database.NewContext();

    public Task<FuzzResponse> SendAsync(FuzzRequest request) => SendAsync(request, null);

    private async Task<FuzzResponse> SendAsync(FuzzRequest request, string? token)
    {
        using var message = new HttpRequestMessage(request.Method, request.Path);
        token ??= request.Credential switch
        {
            Credential.Human => ClawAppFactory.BootstrapToken,
            Credential.Agent => AgentKey,
            Credential.JoinToken => JoinToken,
            Credential.OtherGroupAgent => OtherGroupAgentKey,
            Credential.Bogus => "cg_agent_00000000000000000000000000000000",
            _ => null,
        };
        if (token is not null)
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (request.IdempotencyKey is not null)
            message.Headers.TryAddWithoutValidation("Idempotency-Key", request.IdempotencyKey);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(request.Body));
            if (request.ContentType is not null)
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }

        using var response = await Http.SendAsync(message);
        var body = await response.Content.ReadAsStringAsync();
        return new FuzzResponse((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, response.Headers.Location);
    }

    /// <summary>The item a request should be about; set-up requests put one in the needed state when there is none.</summary>
    public async Task<(Guid? Item, string? SetUpFailure)> EnsureAsync(ItemTarget target, Random random)
    {
        var items = Candidates.Where(w => w.GroupId == GroupId).ToList();
        ItemState? Find(Func<ItemState, bool> match) => items.Where(match).OrderBy(_ => random.Next()).FirstOrDefault();
        switch (target)
        {
            case ItemTarget.None:
                return (null, null);
            case ItemTarget.Any:
                return (items.Count > 0 ? random.Pick(items).Id : SeedItemId, null);
            case ItemTarget.Ready when Find(w => w.State == WorkItemState.Ready && !w.Paused) is { } ready:
                return (ready.Id, null);
            case ItemTarget.Ready:
                return await SetUpAsync(async () => Id(await RequireAsync(HttpMethod.Post, $"/api/v1/groups/{GroupId}/work-items", Credential.Human, """{"title":"Ready to edit"}""")));
            case ItemTarget.Held when Find(IsHeld) is { } held:
                return (held.Id, null);
            case ItemTarget.Held:
                return await SetUpAsync(NewHeldItemAsync);
            case ItemTarget.InReview when Find(w => w.State == WorkItemState.InReview) is { } reviewed:
                return (reviewed.Id, null);
            case ItemTarget.InReview:
                return await SetUpAsync(async () =>
                {
                    var id = await NewHeldItemAsync();
                    await RequireAsync(HttpMethod.Post, $"/api/v1/work-items/{id}/result", Credential.Agent, """{"summary":"Ready for review","artifacts":[]}""");
                    return id;
                });
            case ItemTarget.HumanHeld when Find(w => w.State == WorkItemState.InProgress && w.AssigneeUserId != null) is { } taken:
                return (taken.Id, null);
            case ItemTarget.HumanHeld:
                return await SetUpAsync(async () =>
                {
                    var id = await NewHeldItemAsync();
                    await RequireAsync(HttpMethod.Post, $"/api/v1/work-items/{id}/takeover", Credential.Human, null);
                    return id;
                });
            default:
                throw new ArgumentOutOfRangeException(nameof(target), target, null);
        }
    }

    private bool IsHeld(ItemState item) => item.State == WorkItemState.InProgress && item.AssigneeAgentId == AgentId && !item.Paused;

    /// <summary>A new item, given to the agent by a person and accepted: the agent holds it, in progress.</summary>
    private async Task<Guid> NewHeldItemAsync()
    {
        var id = Id(await RequireAsync(HttpMethod.Post, $"/api/v1/groups/{GroupId}/work-items", Credential.Human, """{"title":"Work for the agent"}"""));
        await RequireAsync(HttpMethod.Post, $"/api/v1/work-items/{id}/reassign", Credential.Human, $$"""{"memberId":"{{AgentId}}"}""");
        await RequireAsync(HttpMethod.Post, $"/api/v1/work-items/{id}/accept", Credential.Agent, null);
        return id;
    }

    private async Task<(Guid?, string?)> SetUpAsync(Func<Task<Guid>> setUp)
    {
        try
        {
            var id = await setUp();
            await RefreshAsync();
            return (id, null);
        }
        catch (InvalidOperationException e)
        {
            await RefreshAsync();
            return (null, e.Message);
        }
    }

    private async Task<FuzzResponse> RequireAsync(HttpMethod method, string path, Credential credential, string? body)
    {
        var request = new FuzzRequest("set-up", method, path, credential, body ?? (method == HttpMethod.Post ? "{}" : null));
        var response = await SendAsync(request);
        return response.Status is >= 200 and < 300
            ? response
            : throw new InvalidOperationException($"set-up request {request} answered {response.Status}: {FuzzRequest.Shorten(response.Body)}");
    }

    private static string Card(string name, int capacity) =>
        JsonSerializer.Serialize(new { name, delivery = "pull", capacity, skills = new[] { new { id = "api", name = "HTTP APIs", tags = new[] { "backend" } } } });

    private static Guid Id(FuzzResponse response) => Guid.Parse(Field(response, "id"));

    private static string Field(FuzzResponse response, string name)
    {
        using var document = JsonDocument.Parse(response.Body);
        return document.RootElement.GetProperty(name).ToString();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
        await _factory.DisposeAsync();
    }
}
