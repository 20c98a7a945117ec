using ClawGroups.Coordinator.Learning;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>Several coordinators against one PostgreSQL: every item is offered at most once, and no agent beyond its capacity.</summary>
public sealed class ConcurrentAssignmentPassTests
{
    [Fact]
    public async Task Two_coordinators_running_passes_at_once_never_double_assign_or_overfill_an_agent()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        var groupId = await SeedAsync(database, agents: 6, capacity: 2, items: 40);
        // Both passes read the same state before either writes (the barrier), and they prefer different items
        // (even ones, odd ones), so they collide on the agents' capacity rather than on the items.
        using var bothHaveRead = new Barrier(2);

        var offered = await Task.WhenAll(
            RunPassAsync(database, groupId, new PreferringModel(bothHaveRead, even: true)),
            RunPassAsync(database, groupId, new PreferringModel(bothHaveRead, even: false)));

        await using var context = database.NewContext();
        var open = await context.Assignments.Where(a => a.Outcome == AssignmentOutcome.Active).ToListAsync();
        Assert.All(open.GroupBy(a => a.WorkItemId), offers => Assert.Single(offers));
        Assert.All(open.GroupBy(a => a.AgentId), perAgent => Assert.True(perAgent.Count() <= 2, $"agent {perAgent.Key} holds {perAgent.Count()} items"));
        Assert.Equal(12, open.Count);
        Assert.Contains(0, offered);
        var assigned = await context.WorkItems.Where(w => w.State == WorkItemState.Assigned).ToListAsync();
        Assert.Equal(12, assigned.Count);
        Assert.All(assigned, w => Assert.Equal(open.Single(a => a.WorkItemId == w.Id).AgentId, w.AssigneeAgentId));
    }

    [Fact]
    public async Task An_agent_with_a_long_heartbeat_timeout_of_its_own_still_gets_work_between_heartbeats()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        var groupId = await SeedAsync(database, agents: 2, capacity: 1, items: 2);
        var tenMinutesAgo = DateTimeOffset.UtcNow.AddMinutes(-10);
        await using (var context = database.NewContext())
        {
            var agents = await context.Agents.OrderBy(a => a.Id).ToListAsync();
            agents.ForEach(a => a.LastHeartbeatAt = tenMinutesAgo);
            agents[0].Thresholds.HeartbeatTimeoutSeconds = 3600;
            await context.SaveChangesAsync();
        }

        await RunPassAsync(database, groupId, new Inference.Lexical.LexicalSkillModel());

        await using var reader = database.NewContext();
        var patient = await reader.Agents.OrderBy(a => a.Id).Select(a => a.Id).FirstAsync();
        var open = await reader.Assignments.Where(a => a.Outcome == AssignmentOutcome.Active).ToListAsync();
        Assert.Equal(patient, Assert.Single(open).AgentId);
    }

    private static async Task<int> RunPassAsync(TestDatabase database, Guid groupId, ISkillModel model)
    {
        await Task.Yield();
        await using var context = database.NewContext();
        var time = TimeProvider.System;
        var options = new FixedOptionsMonitor<CoordinatorOptions>(new CoordinatorOptions());
        var lifecycle = new WorkItemLifecycle(context, time, NoWorkSignals.Instance);
        var pass = new AssignmentPass(context, lifecycle, new GroupSkillModels(new SkillModels(model), NullLogger<GroupSkillModels>.Instance), new ContenderCache(), new AgentSkillCache(), new ReadyItems(), new TrackRecordCache(), options, time, NullLogger<AssignmentPass>.Instance);
        return await pass.RunAsync(groupId, CancellationToken.None);
    }

    private static async Task<Guid> SeedAsync(TestDatabase database, int agents, int capacity, int items)
    {
        var now = DateTimeOffset.UtcNow;
        var group = new Group { Id = Guid.CreateVersion7(), Name = "race", CreatedAt = now };
        await using var context = database.NewContext();
        context.Groups.Add(group);
        for (var a = 0; a < agents; a++)
        {
            var agent = new Agent
            {
                Id = Guid.CreateVersion7(), GroupId = group.Id, Name = $"agent {a}", Capacity = capacity, Status = AgentStatus.Online,
                RegisteredAt = now, LastHeartbeatAt = now, ApiKeyHash = $"{a:D64}", ApiKeyPrefix = "cg_agent_x",
            };
            agent.Skills.Add(new AgentSkill { SkillId = "backend", Name = "Backend", Tags = ["api", "database"], Level = 0.8 });
            context.Agents.Add(agent);
        }

        for (var i = 0; i < items; i++)
        {
            context.WorkItems.Add(new WorkItem
            {
                Id = Guid.CreateVersion7(), GroupId = group.Id, Title = $"Add an API endpoint #{i}", State = WorkItemState.Ready,
                StateChangedAt = now, CreatedAt = now, UpdatedAt = now, CreatedByKind = MemberKind.Human,
            });
        }

        await context.SaveChangesAsync();
        return group.Id;
    }

    /// <summary>Waits for the other pass at the barrier, then prefers the even (or odd) items strongly.</summary>
    private sealed class PreferringModel(Barrier barrier, bool even) : ISkillModel
    {
        public string Name => even ? "even" : "odd";

        public AffinityMatrix Score(IReadOnlyList<WorkItemText> items, IReadOnlyList<SkillProfile> profiles, CancellationToken cancellationToken)
        {
            barrier.SignalAndWait(TimeSpan.FromSeconds(30), cancellationToken);
            var matrix = new AffinityMatrix(items.Count, profiles.Count);
            for (var i = 0; i < items.Count; i++)
            {
                var number = int.Parse(items[i].Title.Split('#')[1], System.Globalization.CultureInfo.InvariantCulture);
                for (var p = 0; p < profiles.Count; p++)
                {
                    matrix.Set(i, p, number % 2 == 0 == even ? 1f : 0.01f, 0);
                }
            }

            return matrix;
        }

        public IReadOnlyList<double?> ExpectedDurationSeconds(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken)
            => items.Select(_ => (double?)null).ToList();
    }
}
