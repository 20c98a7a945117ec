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
using ClawGroups.Inference.Lexical;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Benchmarks;

/// <summary>
/// One whole assignment pass against a real PostgreSQL (a throwaway server, as the tests start): read the ready
/// items and the available agents, score with the lexical model, solve, write the offers and their outbox rows.
/// Greedy and optimal each run on their own copy of the same seeded group.
/// </summary>
internal static class AssignmentPassBenchmark
{
    public static async Task<int> RunAsync(TextWriter output, bool small)
    {
        var areas = SkillArea.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Corpus", "areas.txt")));
        var (agents, items) = small ? (30, 400) : (300, 4_000);
        // Warm-up: JIT and the server's caches, so the first solver measured is not charged for them.
        await MeasureAsync(TextWriter.Null, areas, AssignmentSolver.Greedy, 30, 400);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"assignment pass with the database round trip: {agents} agents × {items} ready items (PostgreSQL)"));
        output.WriteLine("| solver | seed ms | pass ms | offers |");
        output.WriteLine("|---|---:|---:|---:|");
        foreach (var solver in new[] { AssignmentSolver.Greedy, AssignmentSolver.Optimal })
        {
            await MeasureAsync(output, areas, solver, agents, items);
        }

        return 0;
    }

    private static async Task MeasureAsync(TextWriter output, IReadOnlyList<SkillArea> areas, AssignmentSolver solver, int agents, int items)
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        var seed = Stopwatch.StartNew();
        var groupId = await SeedAsync(database, SyntheticGroup.Create(areas, agents, items, seed: 17));
        seed.Stop();
        await using var context = database.NewContext();
        var options = new FixedOptionsMonitor<CoordinatorOptions>(new CoordinatorOptions { Solver = solver, HeartbeatTimeoutSeconds = 3600 });
        var pass = new AssignmentPass(context, new WorkItemLifecycle(context, TimeProvider.System, NoWorkSignals.Instance), new GroupSkillModels(new SkillModels(new LexicalSkillModel()), NullLogger<GroupSkillModels>.Instance),
            options, TimeProvider.System, NullLogger<AssignmentPass>.Instance);
        var timer = Stopwatch.StartNew();
        var offered = await pass.RunAsync(groupId, CancellationToken.None);
        timer.Stop();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {solver.ToString().ToLowerInvariant()} | {seed.ElapsedMilliseconds:N0} | {timer.ElapsedMilliseconds:N0} | {offered:N0} |"));
    }

    private static async Task<Guid> SeedAsync(TestDatabase database, SyntheticGroup synthetic)
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

        await context.SaveChangesAsync();
        return group.Id;
    }
}
