using ClawGroups.Coordinator.Learning;
using ClawGroups.Inference.Skills;
using System.Diagnostics;
using System.Globalization;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Moe;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Benchmarks;

/// <summary>
/// Whole assignment passes against a real PostgreSQL (a throwaway server, as the tests start): read the ready items and
/// the available agents, score with the served model (MoE, readings kept with the items as the API keeps them), solve,
/// write the offers and their outbox rows. Cold: every agent free, greedy and optimal each on its own copy of the same
/// seeded group, the cards' readings kept as registration keeps them, and the passes on a node whose model has read no
/// card (its first pass after a start). Steady: after the cold pass, each round ends <see cref="FreedPerRound"/> offers (their agents' slots
/// free up) and adds <see cref="NewPerRound"/> items, and times the next pass.
/// </summary>
internal static class AssignmentPassBenchmark
{
    private const int FreedPerRound = 10;
    private const int NewPerRound = 50;
    private const int SteadyRounds = 7;

    /// <summary>The pass's phase timings on standard error when CLAW_PASS_PHASES=1, to see where a pass spends its time.</summary>
    private static readonly ILogger<AssignmentPass> PhaseLog = Environment.GetEnvironmentVariable("CLAW_PASS_PHASES") == "1"
        ? LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug).AddFilter("ClawGroups", LogLevel.Debug)).CreateLogger<AssignmentPass>()
        : NullLogger<AssignmentPass>.Instance;

    /// <summary>Each pass's commands and statements on standard error when CLAW_PASS_COMMANDS=1 (CommandCensus).</summary>
    private static readonly bool CountCommands = Environment.GetEnvironmentVariable("CLAW_PASS_COMMANDS") == "1";

    /// <param name="only">One row of the table (<c>greedy</c>, <c>optimal</c> or <c>holds-off</c>), or all of them when null.</param>
    /// <param name="setBasedFrom"><c>Coordinator:SetBasedPassWritesFrom</c> for the passes; the option's default when null.</param>
    /// <param name="history">Finished attempts the group already has, spread over the last 12 hours (a soak's worth at 40,000),
    /// for the track records and breakers every pass reads.</param>
    public static async Task<int> RunAsync(TextWriter output, bool small, string? only = null, int? setBasedFrom = null, int history = 0)
    {
        var areas = SkillArea.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Corpus", "areas.txt")));
        var (agents, items) = small ? (30, 400) : (300, 4_000);
        using var moe = MoeSkillModel.Load(SkillModelFiles.DefaultFolder());
        var models = new SkillModels(moe);
        // Warm-up: JIT and the server's caches, so the first solver measured is not charged for them.
        var setBased = setBasedFrom ?? new CoordinatorOptions().SetBasedPassWritesFrom;
        await MeasureAsync(TextWriter.Null, areas, models, AssignmentSolver.Greedy, holds: true, 30, 400, rounds: 1, setBased, history: 0);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"assignment pass with the database round trip: {agents} agents × {items} ready items, {history} finished attempts (PostgreSQL, served MoE model, kept readings, set-based writes from {setBased} rows)"));
        output.WriteLine("| solver | seed ms | cold pass ms | offers | held | steady pass p50 ms | max ms | offers per steady pass | kept words, bytes per item |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var rows = new[] { ("greedy", AssignmentSolver.Greedy, true), ("optimal", AssignmentSolver.Optimal, true), ("holds-off", AssignmentSolver.Optimal, false) };
        foreach (var (_, solver, holds) in rows.Where(r => only is null || r.Item1 == only))
        {
            await MeasureAsync(output, areas, models, solver, holds, agents, items, SteadyRounds, setBased, history);
        }

        return 0;
    }

    private static async Task MeasureAsync(
        TextWriter output, IReadOnlyList<SkillArea> areas, SkillModels models, AssignmentSolver solver, bool holds, int agents, int items, int rounds, int setBasedFrom, int history)
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        var seed = Stopwatch.StartNew();
        var synthetic = SyntheticGroup.Create(areas, agents, items + (rounds * NewPerRound), seed: 17);
        var groupId = await SeedAsync(database, synthetic with { Items = synthetic.Items[..items] }, models.Default);
        await SeedHistoryAsync(database, groupId, synthetic.Agents, history);
        seed.Stop();
        var options = new FixedOptionsMonitor<CoordinatorOptions>(new CoordinatorOptions { Solver = solver, HeartbeatTimeoutSeconds = 3600, SetBasedPassWritesFrom = setBasedFrom, MinRoutingConfidence = holds ? new CoordinatorOptions().MinRoutingConfidence : 0 });
        // The passes run on a node that has read no card yet (its first pass after a start: the cold pass), with the same
        // encoder, so that the items' and the cards' kept readings are its own.
        var moe = (MoeSkillModel)models.Default;
        using var node = moe.WithAreaWeight(moe.AreaWeight);
        var skillModels = new GroupSkillModels(new SkillModels(node), NullLogger<GroupSkillModels>.Instance);
        var judgements = new ContenderCache();
        var agentSkills = new AgentSkillCache();
        var readyItems = new ReadyItems();
        var records = new TrackRecordCache();
        var (coldMs, coldOffers) = await TimePassAsync(database, options, skillModels, judgements, agentSkills, readyItems, records, groupId);

        var steady = new List<long>();
        var steadyOffers = 0;
        for (var round = 0; round < rounds; round++)
        {
            await FinishOffersAsync(database, groupId, FreedPerRound);
            await AddItemsAsync(database, groupId, synthetic.Items.Skip(items + (round * NewPerRound)).Take(NewPerRound).ToList(), models.Default);
            var (ms, offers) = await TimePassAsync(database, options, skillModels, judgements, agentSkills, readyItems, records, groupId);
            steady.Add(ms);
            steadyOffers += offers;
        }

        steady.Sort();
        var held = await HeldAsync(database, groupId);
        var keptWords = await KeptWordsBytesAsync(database);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {solver.ToString().ToLowerInvariant()}{(holds ? "" : ", holds off")} | {seed.ElapsedMilliseconds:N0} | {coldMs:N0} | {coldOffers:N0} | {held:N0} | {steady[steady.Count / 2]:N0} | {steady[^1]:N0} | {(double)steadyOffers / rounds:F1} | {keptWords:N0} |"));
    }

    /// <summary>What the readings' kept words cost the database, on average per item (KeptWords).</summary>
    private static async Task<double> KeptWordsBytesAsync(TestDatabase database)
    {
        await using var context = database.NewContext();
        return await context.WorkItemReadingWords.AnyAsync() ? await context.WorkItemReadingWords.AverageAsync(r => r.Words.Length) : 0;
    }

    private static async Task<int> HeldAsync(TestDatabase database, Guid groupId)
    {
        await using var context = database.NewContext();
        return await context.WorkItems.CountAsync(w => w.GroupId == groupId && w.RoutingHeldAt != null);
    }

    /// <summary>One pass with a fresh context, as a Hangfire job runs it.</summary>
    private static async Task<(long Ms, int Offers)> TimePassAsync(
        TestDatabase database, FixedOptionsMonitor<CoordinatorOptions> options, GroupSkillModels skillModels, ContenderCache judgements, AgentSkillCache agentSkills, ReadyItems readyItems, TrackRecordCache records, Guid groupId)
    {
        var census = new CommandCensus();
        await using var context = CountCommands
            ? new ClawDbContext(new DbContextOptionsBuilder<ClawDbContext>(database.ContextOptions()).AddInterceptors(census).Options)
            : database.NewContext();
        var pass = new AssignmentPass(context, new WorkItemLifecycle(context, TimeProvider.System, NoWorkSignals.Instance), skillModels, judgements, agentSkills, readyItems, records,
            options, TimeProvider.System, PhaseLog);
        var (allocatedBefore, cpuBefore) = (GC.GetTotalAllocatedBytes(precise: true), Environment.CpuUsage.TotalTime);
        var timer = Stopwatch.StartNew();
        var offered = await pass.RunAsync(groupId, CancellationToken.None);
        var elapsed = timer.ElapsedMilliseconds;
        if (CountCommands)
        {
            // This process's allocations and CPU time move far less with the machine's load than the wall clock does.
            var (allocated, cpu) = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore, Environment.CpuUsage.TotalTime - cpuBefore);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"pass of {offered} offers: {allocated / 1048576.0:F0} MiB allocated, {cpu.TotalMilliseconds:F0} ms CPU in this process; {census}"));
        }

        return (elapsed, offered);
    }

    /// <summary>The oldest offers end as done, as agents finishing their work would leave them: their slots are free again.</summary>
    private static async Task FinishOffersAsync(TestDatabase database, Guid groupId, int count)
    {
        await using var context = database.NewContext();
        var now = DateTimeOffset.UtcNow;
        var ids = await context.WorkItems.Where(w => w.GroupId == groupId && w.State == WorkItemState.Assigned)
            .OrderBy(w => w.StateChangedAt).Select(w => w.Id).Take(count).ToListAsync();
        await context.Assignments.Where(a => ids.Contains(a.WorkItemId) && a.EndedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.EndedAt, now).SetProperty(a => a.Outcome, AssignmentOutcome.Completed));
        await context.WorkItems.Where(w => ids.Contains(w.Id))
            .ExecuteUpdateAsync(set => set.SetProperty(w => w.State, WorkItemState.Done).SetProperty(w => w.StateChangedAt, now).SetProperty(w => w.Version, w => w.Version + 1));
    }

    private static async Task AddItemsAsync(TestDatabase database, Guid groupId, List<WorkItem> items, ISkillModel model)
    {
        await using var context = database.NewContext();
        var now = DateTimeOffset.UtcNow;
        foreach (var item in items)
        {
            (item.GroupId, item.State, item.CreatedAt, item.UpdatedAt, item.StateChangedAt) = (groupId, WorkItemState.Ready, now, now, now);
        }

        context.WorkItems.AddRange(items);
        await context.SaveChangesAsync();
        // As the app does after an item is written (WrittenTextReader): the model reads the new items once, together, before the pass.
        await ItemReadings.ReadMissingAsync(context, model, items, CancellationToken.None);
    }

    /// <summary>
    /// <paramref name="count"/> finished items, one attempt each, ended over the last 12 hours by the agents in turn: mostly
    /// completed, some failed, stalled, declined or rejected, so that records and breakers have something of each to read.
    /// </summary>
    private static async Task SeedHistoryAsync(TestDatabase database, Guid groupId, List<Data.Agents.Agent> agents, int count)
    {
        var now = DateTimeOffset.UtcNow;
        var random = new Random(40);
        AssignmentOutcome[] outcomes = [.. Enumerable.Repeat(AssignmentOutcome.Completed, 90), .. Enumerable.Repeat(AssignmentOutcome.Failed, 4),
            .. Enumerable.Repeat(AssignmentOutcome.Stalled, 3), .. Enumerable.Repeat(AssignmentOutcome.Declined, 2), AssignmentOutcome.Rejected];
        const int Batch = 5_000;
        for (var from = 0; from < count; from += Batch)
        {
            await using var context = database.NewContext();
            context.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = from; i < Math.Min(count, from + Batch); i++)
            {
                var agent = agents[i % agents.Count];
                var endedAt = now.AddSeconds(-12 * 3600.0 * (count - i) / count);
                var outcome = outcomes[random.Next(outcomes.Length)];
                var item = new WorkItem
                {
                    Id = Guid.CreateVersion7(), GroupId = groupId, Title = $"finished {i}", CreatedByKind = MemberKind.Human,
                    State = outcome == AssignmentOutcome.Completed ? WorkItemState.Done : WorkItemState.Cancelled,
                    CreatedAt = endedAt.AddMinutes(-1), UpdatedAt = endedAt, StateChangedAt = endedAt,
                };
                context.WorkItems.Add(item);
                context.Assignments.Add(new Assignment
                {
                    Id = Guid.CreateVersion7(), WorkItemId = item.Id, GroupId = groupId, MemberKind = MemberKind.Agent, AgentId = agent.Id,
                    Attempt = 1, Role = AssignmentRole.Work, OfferedAt = endedAt.AddMinutes(-1), AcceptedAt = endedAt.AddSeconds(-50),
                    EndedAt = endedAt, Outcome = outcome, SkillArea = agent.Skills.Count > 0 ? agent.Skills[random.Next(agent.Skills.Count)].SkillId : null,
                    Pace = 0.5 + (random.NextDouble() / 2),
                });
            }

            await context.SaveChangesAsync();
        }
    }

    private static async Task<Guid> SeedAsync(TestDatabase database, SyntheticGroup synthetic, ISkillModel model)
    {
        var now = DateTimeOffset.UtcNow;
        var group = new Group { Id = Guid.CreateVersion7(), Name = "benchmark", CreatedAt = now };
        await using var context = database.NewContext();
        context.ChangeTracker.AutoDetectChangesEnabled = false;
        context.Groups.Add(group);
        var index = 0;
        foreach (var agent in synthetic.Agents)
        {
            agent.GroupId = group.Id;
            agent.RegisteredAt = now;
            agent.LastHeartbeatAt = now;
            agent.ApiKeyHash = (index++).ToString("D64", CultureInfo.InvariantCulture);
            context.Agents.Add(agent);
        }

        foreach (var item in synthetic.Items)
        {
            item.GroupId = group.Id;
            item.State = WorkItemState.Ready;
            item.CreatedAt = item.UpdatedAt = item.StateChangedAt = now;
            context.WorkItems.Add(item);
        }

        // The cards read and kept as their registrations would have.
        context.AgentSkillReadings.AddRange(SkillReadings.ReadCards(model, synthetic.Agents, CancellationToken.None));

        await context.SaveChangesAsync();
        // And the items as the app reads them after they are written (WrittenTextReader).
        await ItemReadings.ReadMissingAsync(context, model, synthetic.Items, CancellationToken.None);
        return group.Id;
    }
}
