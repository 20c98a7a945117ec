using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ClawGroups.Coordinator.Cluster;
using ClawGroups.Coordinator.Live;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Benchmarks;

/// <summary>
/// From commit to a subscribed board, on PostgreSQL at swarm scale (300 agents, 4,000 items in flight): progress
/// reports at a steady rate, and one commit that touches 500 items at once (an assignment pass). Also what the
/// capture costs the writers: the same reports committed with and without the live-change interceptor.
/// </summary>
internal static class LiveUpdateBenchmark
{
    private const int Agents = 300;
    private const int Items = 4_000;

    public static async Task<int> RunAsync(TextWriter output)
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        var (groupId, itemIds) = await SeedAsync(database);
        await using var services = Services(database);
        var feed = services.GetRequiredService<GroupFeed>();
        var pump = services.GetRequiredService<LiveUpdatePump>();
        await pump.StartAsync(CancellationToken.None);
        var received = new ConcurrentDictionary<(Guid Item, int Fraction), long>();
        using var subscription = feed.Subscribe(groupId, updates =>
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var changed in updates.OfType<WorkItemChanged>())
            {
                received.TryAdd((changed.Item.Id, (int)Math.Round(changed.Item.Progress.Fraction * 1000)), now);
            }

            return Task.CompletedTask;
        });

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"live updates, commit → subscriber, PostgreSQL, {Agents} agents × {Items:N0} items in progress"));
        output.WriteLine("| scenario | updates | p50 ms | p95 ms | max ms |");
        output.WriteLine("|---|---:|---:|---:|---:|");

        // Warm-up: JIT, pools, the pump's first queries.
        await ReportProgressAsync(database, services, itemIds.Take(50).ToList(), fraction: 1, perSecond: 200, capture: true);

        foreach (var rate in new[] { 50, 200 })
        {
            var reports = itemIds.Skip(100).Take(rate * 5).ToList();
            var committed = await ReportProgressAsync(database, services, reports, fraction: rate, perSecond: rate, capture: true);
            var latencies = await LatenciesAsync(committed, received);
            Row(output, $"progress reports, {rate}/s for 5 s", latencies);
        }

        var burst = itemIds.Skip(2_000).Take(500).ToList();
        var burstCommitted = await BurstAsync(database, services, burst, fraction: 999);
        Row(output, "one commit touching 500 items", await LatenciesAsync(burstCommitted, received));

        // What capture costs a writer: the same 400 reports, one commit each, with and without the interceptor.
        var plain = await TimeWritersAsync(database, services, itemIds.Skip(2_600).Take(400).ToList(), 7, capture: false);
        var captured = await TimeWritersAsync(database, services, itemIds.Skip(3_000).Take(400).ToList(), 7, capture: true);
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"writer cost of capture: 400 progress commits take {captured:F0} ms with capture, {plain:F0} ms without (× {captured / plain:F2})"));
        await pump.StopAsync(CancellationToken.None);
        return 0;
    }

    private static ServiceProvider Services(TestDatabase database)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<IClusterBus, SingleNodeBus>();
        services.AddSingleton<LiveChanges>();
        services.AddSingleton<LiveChangeCapture>();
        services.AddSingleton<GroupFeed>();
        services.AddSingleton<ILiveSink>(provider => provider.GetRequiredService<GroupFeed>());
        services.AddSingleton<LiveUpdatePump>();
        services.AddScoped(provider => Context(database, provider.GetRequiredService<LiveChangeCapture>()));
        return services.BuildServiceProvider();
    }

    private static ClawDbContext Context(TestDatabase database, IInterceptor? capture)
    {
        var options = new DbContextOptionsBuilder<ClawDbContext>(database.ContextOptions());
        if (capture is not null)
        {
            options.AddInterceptors(capture);
        }

        return new ClawDbContext(options.Options);
    }

    /// <summary>Commits one progress report per item at a steady rate; returns each commit's time by item.</summary>
    private static async Task<Dictionary<(Guid, int), long>> ReportProgressAsync(
        TestDatabase database, ServiceProvider services, IReadOnlyList<Guid> items, int fraction, int perSecond, bool capture)
    {
        var committed = new Dictionary<(Guid, int), long>();
        var interval = TimeSpan.FromSeconds(1.0 / perSecond);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < items.Count; i++)
        {
            var due = interval * i;
            if (clock.Elapsed < due)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            await using var context = Context(database, capture ? services.GetRequiredService<LiveChangeCapture>() : null);
            var item = await context.WorkItems.SingleAsync(w => w.Id == items[i]);
            (item.ProgressFraction, item.ProgressMessage, item.ProgressAt, item.UpdatedAt) = (fraction / 1000.0, $"step {i}", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
            await context.SaveChangesAsync();
            committed[(item.Id, fraction)] = Stopwatch.GetTimestamp();
        }

        return committed;
    }

    private static async Task<Dictionary<(Guid, int), long>> BurstAsync(TestDatabase database, ServiceProvider services, IReadOnlyList<Guid> items, int fraction)
    {
        await using var context = Context(database, services.GetRequiredService<LiveChangeCapture>());
        var tracked = await context.WorkItems.Where(w => items.Contains(w.Id)).ToListAsync();
        foreach (var item in tracked)
        {
            (item.ProgressFraction, item.UpdatedAt) = (fraction / 1000.0, DateTimeOffset.UtcNow);
        }

        await context.SaveChangesAsync();
        var at = Stopwatch.GetTimestamp();
        return tracked.ToDictionary(i => (i.Id, fraction), _ => at);
    }

    private static async Task<double> TimeWritersAsync(TestDatabase database, ServiceProvider services, IReadOnlyList<Guid> items, int fraction, bool capture)
    {
        var timer = Stopwatch.StartNew();
        await ReportProgressAsync(database, services, items, fraction, perSecond: 100_000, capture);
        return timer.Elapsed.TotalMilliseconds;
    }

    private static async Task<List<double>> LatenciesAsync(Dictionary<(Guid, int), long> committed, ConcurrentDictionary<(Guid Item, int Fraction), long> received)
    {
        var deadline = Stopwatch.StartNew();
        while (committed.Keys.Any(k => !received.ContainsKey(k)) && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        return committed.Where(c => received.ContainsKey(c.Key))
            .Select(c => Stopwatch.GetElapsedTime(c.Value, received[c.Key]).TotalMilliseconds)
            .ToList();
    }

    private static void Row(TextWriter output, string scenario, List<double> latencies)
    {
        var sorted = latencies.Order().ToList();
        double At(double f) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(f * sorted.Count))];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {scenario} | {sorted.Count} | {At(0.5):F0} | {At(0.95):F0} | {(sorted.Count == 0 ? double.NaN : sorted[^1]):F0} |"));
    }

    private static async Task<(Guid GroupId, List<Guid> ItemIds)> SeedAsync(TestDatabase database)
    {
        var now = DateTimeOffset.UtcNow;
        var group = new Group { Id = Guid.CreateVersion7(), Name = "live benchmark", CreatedAt = now };
        await using var context = database.NewContext();
        context.ChangeTracker.AutoDetectChangesEnabled = false;
        context.Groups.Add(group);
        var agents = Enumerable.Range(0, Agents).Select(a => new Agent
        {
            Id = Guid.CreateVersion7(), GroupId = group.Id, Name = $"agent {a}", Capacity = 20, Status = AgentStatus.Busy, RegisteredAt = now,
            LastHeartbeatAt = now, ApiKeyHash = a.ToString("D64", CultureInfo.InvariantCulture), ApiKeyPrefix = "cg_agent_x",
        }).ToList();
        context.Agents.AddRange(agents);
        var ids = new List<Guid>();
        for (var i = 0; i < Items; i++)
        {
            var agent = agents[i % Agents];
            var item = new WorkItem
            {
                Id = Guid.CreateVersion7(), GroupId = group.Id, Title = $"Item {i}", State = WorkItemState.InProgress, StateChangedAt = now,
                CreatedAt = now, UpdatedAt = now, CreatedByKind = MemberKind.Human, AssigneeKind = MemberKind.Agent, AssigneeAgentId = agent.Id, Attempts = 1,
            };
            var attempt = new Assignment
            {
                Id = Guid.CreateVersion7(), WorkItemId = item.Id, GroupId = group.Id, MemberKind = MemberKind.Agent, AgentId = agent.Id, Attempt = 1,
                Score = 1, Reason = "benchmark", OfferedAt = now, AcceptedAt = now, LastProgressAt = now, Outcome = AssignmentOutcome.Active,
            };
            item.CurrentAssignmentId = attempt.Id;
            context.WorkItems.Add(item);
            context.Assignments.Add(attempt);
            ids.Add(item.Id);
        }

        await context.SaveChangesAsync();
        return (group.Id, ids);
    }
}
