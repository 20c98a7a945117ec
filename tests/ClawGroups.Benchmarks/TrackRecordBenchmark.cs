using System.Diagnostics;
using System.Globalization;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Learning;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Lexical;
using ClawGroups.Inference.Skills;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Options;
using ClawGroups.Testing.Time;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Benchmarks;

/// <summary>
/// A month of a group in compressed time (decision 0029): three skill areas, each with two members whose cards read the same —
/// one whose work is accepted 95 % of the time, one 60 % (the rest stalls, is declined or rejected in review, in turn). Every
/// three simulated hours one item per area arrives and a real assignment pass (PostgreSQL, the lexical model) runs; the
/// members finish what they were offered by their reliability. Both members of an area always have a free slot, so only the
/// score decides: the table shows the offers of first attempts moving toward the reliable member of each area as records build.
/// </summary>
internal static class TrackRecordBenchmark
{
    private const int Days = 30;
    private const int TicksPerDay = 8;
    private const double Reliable = 0.95;
    private const double Flaky = 0.6;

    /// <summary>The table's rows: the first day (records still empty), the rest of the first week, then each week.</summary>
    private static readonly (string Label, int FromDay)[] Buckets = [("day 1", 0), ("days 2–7", 1), ("week 2", 7), ("week 3", 14), ("week 4", 21), ("days 29–30", 28)];

    private static readonly (string Id, string Name, string[] Tags, string[] Titles)[] Areas =
    [
        ("infra", "Infrastructure", ["kubernetes", "deploy"], ["Restart the stuck kubernetes pods", "Deploy the ingress upgrade", "Fix the kubernetes node pool autoscaling"]),
        ("frontend", "Frontend", ["react", "css"], ["Fix the react settings form", "Align the css grid on the dashboard", "Add a react date picker"]),
        ("data", "Data", ["sql", "reports"], ["Speed up the sql revenue report", "Add a monthly churn report", "Fix the sql join in the export"]),
    ];

    public static async Task<int> RunAsync(TextWriter output)
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        var time = new ManualTime(new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero));
        var (groupId, members) = await SeedAsync(database, time.GetUtcNow());
        var options = new FixedOptionsMonitor<CoordinatorOptions>(new CoordinatorOptions { HeartbeatTimeoutSeconds = 7 * 24 * 3600, MinRoutingConfidence = 0 });
        var skillModels = new GroupSkillModels(new SkillModels(new LexicalSkillModel()), NullLogger<GroupSkillModels>.Instance);
        var (judgements, agentSkills, readyItems, records) = (new ContenderCache(), new AgentSkillCache(), new ReadyItems(), new TrackRecordCache());
        var random = new Random(29);
        var clock = Stopwatch.StartNew();
        var passTimes = new List<double>();
        var weeks = new int[Buckets.Length, 3];
        var firstOffers = new int[Buckets.Length, 3];
        for (var tick = 0; tick < Days * TicksPerDay; tick++)
        {
            var week = Array.FindLastIndex(Buckets, b => b.FromDay <= tick / TicksPerDay);
            await AddItemsAsync(database, groupId, time.GetUtcNow(), tick);
            var passTimer = Stopwatch.StartNew();
            await using (var context = database.NewContext())
            {
                await context.Agents.Where(a => a.GroupId == groupId).ExecuteUpdateAsync(set => set.SetProperty(a => a.LastHeartbeatAt, time.GetUtcNow()));
                await new AssignmentPass(context, new WorkItemLifecycle(context, time, NoWorkSignals.Instance), skillModels, judgements, agentSkills, readyItems, records,
                    options, time, NullLogger<AssignmentPass>.Instance).RunAsync(groupId, CancellationToken.None);
            }

            passTimes.Add(passTimer.Elapsed.TotalMilliseconds);
            time.Advance(TimeSpan.FromHours(24.0 / TicksPerDay));
            foreach (var (area, reliable, attempt) in await FinishOffersAsync(database, groupId, members, random, time.GetUtcNow()))
            {
                if (attempt == 1)
                {
                    firstOffers[week, area]++;
                    weeks[week, area] += reliable ? 1 : 0;
                }
            }
        }

        passTimes.Sort();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"track record: a simulated month ({Days} days × {TicksPerDay} passes), 3 areas × 2 members alike but for reliability ({Reliable:0%} and {Flaky:0%} accepted)"));
        output.WriteLine("| when | offers of a first attempt | to the reliable member: Infrastructure | Frontend | Data | all |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        for (var w = 0; w < Buckets.Length; w++)
        {
            var offers = Enumerable.Range(0, 3).Sum(a => firstOffers[w, a]);
            if (offers == 0)
            {
                continue;
            }

            string Share(int a) => firstOffers[w, a] == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * weeks[w, a] / firstOffers[w, a]:0} %");
            var all = 100.0 * Enumerable.Range(0, 3).Sum(a => weeks[w, a]) / offers;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {Buckets[w].Label} | {offers} | {Share(0)} | {Share(1)} | {Share(2)} | {all:0} % |"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"passes: {passTimes.Count}, p50 {passTimes[passTimes.Count / 2]:0.0} ms, p95 {passTimes[(int)(passTimes.Count * 0.95)]:0.0} ms; whole run {clock.Elapsed.TotalSeconds:0} s"));
        return 0;
    }

    private static async Task<(Guid GroupId, Dictionary<Guid, (int Area, bool Reliable)> Members)> SeedAsync(TestDatabase database, DateTimeOffset now)
    {
        var group = new Group { Id = Guid.CreateVersion7(), Name = "track record", CreatedAt = now, RequireReview = false };
        var members = new Dictionary<Guid, (int Area, bool Reliable)>();
        await using var context = database.NewContext();
        context.Groups.Add(group);
        for (var a = 0; a < Areas.Length; a++)
        {
            foreach (var reliable in new[] { true, false })
            {
                // Named alike on purpose: nothing on the card tells the two apart, only what they did.
                var agent = new Agent
                {
                    Id = Guid.CreateVersion7(), GroupId = group.Id, Name = $"{Areas[a].Id}-{members.Count}", Capacity = 2, Status = AgentStatus.Online,
                    RegisteredAt = now, LastHeartbeatAt = now, ApiKeyHash = members.Count.ToString("D64", CultureInfo.InvariantCulture),
                };
                agent.Skills.Add(new AgentSkill { SkillId = Areas[a].Id, Name = Areas[a].Name, Tags = [.. Areas[a].Tags], Level = 0.8 });
                context.Agents.Add(agent);
                members[agent.Id] = (a, reliable);
            }
        }

        await context.SaveChangesAsync();
        return (group.Id, members);
    }

    private static async Task AddItemsAsync(TestDatabase database, Guid groupId, DateTimeOffset now, int tick)
    {
        await using var context = database.NewContext();
        var items = Areas.Select(area => new WorkItem
        {
            Id = Guid.CreateVersion7(now), GroupId = groupId, Title = area.Titles[tick % area.Titles.Length], Description = area.Name,
            State = WorkItemState.Ready, CreatedAt = now, UpdatedAt = now, StateChangedAt = now,
        }).ToList();
        context.WorkItems.AddRange(items);
        await context.SaveChangesAsync();
    }

    /// <summary>Every offer ends by its member's reliability: done, or stalled, declined or rejected in turn. Returns who had each.</summary>
    private static async Task<List<(int Area, bool Reliable, int Attempt)>> FinishOffersAsync(
        TestDatabase database, Guid groupId, Dictionary<Guid, (int Area, bool Reliable)> members, Random random, DateTimeOffset now)
    {
        await using var context = database.NewContext();
        var offers = await context.Assignments.Where(a => a.GroupId == groupId && a.EndedAt == null && a.AgentId != null)
            .Select(a => new { a.Id, a.WorkItemId, AgentId = a.AgentId!.Value, a.Attempt }).ToListAsync();
        var finished = new List<(int, bool, int)>();
        var failures = 0;
        foreach (var offer in offers)
        {
            var (area, reliable) = members[offer.AgentId];
            var accepted = random.NextDouble() < (reliable ? Reliable : Flaky);
            var outcome = accepted ? AssignmentOutcome.Completed : (failures++ % 3) switch
            {
                0 => AssignmentOutcome.Stalled,
                1 => AssignmentOutcome.Declined,
                _ => AssignmentOutcome.Rejected,
            };
            await context.Assignments.Where(a => a.Id == offer.Id).ExecuteUpdateAsync(set => set
                .SetProperty(a => a.Outcome, outcome).SetProperty(a => a.EndedAt, now).SetProperty(a => a.AcceptedAt, now));
            await context.WorkItems.Where(w => w.Id == offer.WorkItemId).ExecuteUpdateAsync(set => set
                .SetProperty(w => w.State, accepted ? WorkItemState.Done : WorkItemState.Stalled)
                .SetProperty(w => w.CurrentAssignmentId, (Guid?)null).SetProperty(w => w.AssigneeAgentId, (Guid?)null)
                .SetProperty(w => w.AssigneeKind, (MemberKind?)null).SetProperty(w => w.StateChangedAt, now).SetProperty(w => w.Version, w => w.Version + 1));
            finished.Add((area, reliable, offer.Attempt));
        }

        return finished;
    }
}
