using System.Net;
using ClawGroups.Coordinator.A2a;
using ClawGroups.Coordinator.Cluster;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Options;
using ClawGroups.Testing.Time;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Webhooks;

/// <summary>
/// One webhook agent in a fresh database, its endpoint faked (the outside world), and deliveries built as the job builds
/// them: one context per delivery. On SQLite the contexts share the write gate the app uses, as the app's do.
/// </summary>
internal sealed class WebhookScene : IDisposable
{
    private readonly TestDatabase _database;
    private readonly SqliteWriteGate? _gate;

    private WebhookScene(TestDatabase database, WebhookOptions options)
    {
        _database = database;
        _gate = database.Provider == DatabaseProvider.Sqlite ? new SqliteWriteGate() : null;
        Options = options;
    }

    public ManualTime Time { get; } = new();

    public WebhookSecrets Secrets { get; } = new(new EphemeralDataProtectionProvider());

    public WebhookOptions Options { get; }

    public AgentEndpoint Endpoint { get; } = new();

    public Guid GroupId { get; } = Guid.CreateVersion7();

    public Guid AgentId { get; } = Guid.CreateVersion7();

    public static async Task<WebhookScene> CreateAsync(DatabaseProvider provider, WebhookOptions options)
        => new(await TestDatabase.CreateMigratedAsync(provider), options);

    public ClawDbContext NewContext(params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
    {
        var builder = new DbContextOptionsBuilder<ClawDbContext>(_database.ContextOptions());
        if (_gate is not null)
        {
            builder.AddInterceptors(_gate);
        }

        builder.AddInterceptors(interceptors);
        return new ClawDbContext(builder.Options);
    }

    public WebhookDelivery Delivery(ClawDbContext context)
    {
        var lifecycle = new WorkItemLifecycle(context, Time, NoWorkSignals.Instance);
        var live = new LiveChanges(new SingleNodeBus());
        return new WebhookDelivery(
            context, new EndpointClients(Endpoint), Secrets, lifecycle, live, new UnreachableAgents(context, lifecycle, live, NullLogger<UnreachableAgents>.Instance),
            A2a(context), new FixedOptionsMonitor<WebhookOptions>(Options), Time, NullLogger<WebhookDelivery>.Instance);
    }

    /// <summary>The A2A side of deliveries, which these webhook agents never reach.</summary>
    private A2aDispatch A2a(ClawDbContext context)
    {
        var a2aOptions = new FixedOptionsMonitor<A2aOptions>(new A2aOptions());
        var client = new A2aJsonRpcClient(new EndpointClients(Endpoint), new FixedOptionsMonitor<WebhookOptions>(Options), a2aOptions);
        return new A2aDispatch(context, client, new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(), a2aOptions);
    }

    /// <summary>Delivers each message on its own worker, all at once, as the job workers do.</summary>
    public async Task<DateTimeOffset?[]> DeliverAtOnceAsync(IEnumerable<Guid> messageIds) => await Task.WhenAll(messageIds.Select(id => Task.Run(async () =>
    {
        await using var context = NewContext();
        return await Delivery(context).DeliverAsync(id, CancellationToken.None);
    })));

    public async Task<DateTimeOffset?> DeliverAsync(Guid messageId, params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
    {
        await using var context = NewContext(interceptors);
        return await Delivery(context).DeliverAsync(messageId, CancellationToken.None);
    }

    /// <summary>The agent, with <paramref name="messages"/> pings due now; with an offer it has not accepted yet when asked.</summary>
    public async Task<(List<Guid> MessageIds, Guid? OfferId)> SeedAsync(
        int messages, AgentStatus status = AgentStatus.Online, int failuresSoFar = 0, bool withOffer = false)
    {
        var now = Time.GetUtcNow();
        var group = new Group { Id = GroupId, Name = "webhooks", CreatedAt = now };
        var agent = new Agent
        {
            Id = AgentId, GroupId = group.Id, Name = "hooked", Capacity = 2, Status = status, Delivery = DeliveryMode.Webhook,
            WebhookUrl = "https://agent.test/claw-webhook", WebhookSecretProtected = Secrets.Protect("whsec_test"),
            RegisteredAt = now, LastHeartbeatAt = now, ApiKeyHash = new string('a', 64), ApiKeyPrefix = "cg_agent_x",
            ConsecutiveDeliveryFailures = failuresSoFar,
        };
        await using var context = NewContext();
        context.AddRange(group, agent);
        Guid? offerId = null;
        if (withOffer)
        {
            var item = new WorkItem
            {
                Id = Guid.CreateVersion7(), GroupId = group.Id, Title = "Offered", State = WorkItemState.Assigned, StateChangedAt = now,
                CreatedAt = now, UpdatedAt = now, CreatedByKind = MemberKind.Human, AssigneeKind = MemberKind.Agent, AssigneeAgentId = agent.Id,
                Attempts = 1,
            };
            var attempt = new Assignment
            {
                Id = Guid.CreateVersion7(), WorkItemId = item.Id, GroupId = group.Id, MemberKind = MemberKind.Agent, AgentId = agent.Id, Attempt = 1,
                Score = 1, Reason = "test", OfferedAt = now, Outcome = AssignmentOutcome.Active,
            };
            item.CurrentAssignmentId = attempt.Id;
            context.AddRange(item, attempt);
            offerId = item.Id;
        }

        var ids = Enumerable.Range(0, messages)
            .Select(_ => context.AddAgentMessage(agent, AgentMessageTypes.Ping, new { reason = "test" }, now).Id)
            .ToList();
        await context.SaveChangesAsync();
        return (ids, offerId);
    }

    public void Dispose() => _database.Dispose();

    private sealed class EndpointClients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}

/// <summary>
/// The agent's webhook endpoint: answers every delivery with <see cref="Status"/>. With <see cref="HoldUntil"/> set, it
/// answers none until that many deliveries are in flight, so that every delivery has read the agent before any records
/// its attempt: the race the job workers run into.
/// </summary>
internal sealed class AgentEndpoint : HttpMessageHandler
{
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public HttpStatusCode Status { get; set; } = HttpStatusCode.ServiceUnavailable;

    public int HoldUntil { get; set; }

    public int Received => Volatile.Read(ref _arrived);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _arrived) >= HoldUntil)
        {
            _allArrived.TrySetResult();
        }

        // Bounded, so that a delivery that never comes fails the test's assertions instead of hanging it.
        await _allArrived.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return new HttpResponseMessage(Status) { RequestMessage = request };
    }
}
