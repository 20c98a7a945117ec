using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Learning;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Options;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>A group in a test database with online agents and ready items, and assignment passes run over it with a given model.</summary>
internal sealed class PassGroup(TestDatabase database, Guid groupId)
{
    public Guid GroupId { get; } = groupId;

    public static async Task<PassGroup> CreateAsync(TestDatabase database)
    {
        var now = DateTimeOffset.UtcNow;
        var group = new Group { Id = Guid.CreateVersion7(), Name = "routing", CreatedAt = now };
        await using var context = database.NewContext();
        context.Groups.Add(group);
        await context.SaveChangesAsync();
        return new PassGroup(database, group.Id);
    }

    public async Task<Agent> AddAgentAsync(string name, int capacity = 2, params AgentSkill[] skills)
    {
        var now = DateTimeOffset.UtcNow;
        var agent = new Agent
        {
            Id = Guid.CreateVersion7(), GroupId = GroupId, Name = name, Capacity = capacity, Status = AgentStatus.Online,
            RegisteredAt = now, LastHeartbeatAt = now, ApiKeyHash = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + new string('0', 32), ApiKeyPrefix = "cg_agent_x",
        };
        agent.Skills.AddRange(skills.Length > 0 ? skills : [new AgentSkill { SkillId = "general", Name = "General work", Level = 0.8 }]);
        await using var context = database.NewContext();
        context.Agents.Add(agent);
        await context.SaveChangesAsync();
        return agent;
    }

    public async Task<WorkItem> AddItemAsync(string title, Action<WorkItem>? shape = null)
    {
        var now = DateTimeOffset.UtcNow;
        var item = new WorkItem
        {
            Id = Guid.CreateVersion7(), GroupId = GroupId, Title = title, State = WorkItemState.Ready,
            StateChangedAt = now, CreatedAt = now, UpdatedAt = now, CreatedByKind = MemberKind.Human,
        };
        shape?.Invoke(item);
        await using var context = database.NewContext();
        context.WorkItems.Add(item);
        await context.SaveChangesAsync();
        return item;
    }

    /// <summary>The node's judgements, kept from pass to pass as the coordinator keeps them.</summary>
    public ContenderCache Judgements { get; } = new();

    /// <summary>The node's agents' skills, kept from pass to pass as the coordinator keeps them.</summary>
    public AgentSkillCache Skills { get; } = new();

    /// <summary>The node's ready-item readings, kept from pass to pass as the coordinator keeps them.</summary>
    public ReadyItems Readings { get; } = new();

    /// <summary>The node's track records, kept from pass to pass as the coordinator keeps them.</summary>
    public TrackRecordCache Records { get; } = new();

    /// <summary>One pass, as the coordinator's job runs it; returns how many items were offered.</summary>
    public async Task<int> RunPassAsync(ISkillModel model, CoordinatorOptions? options = null)
    {
        await using var context = database.NewContext();
        return await RunPassAsync(model, context, options);
    }

    /// <summary>One pass on <paramref name="context"/> (one with the live capture, say).</summary>
    public async Task<int> RunPassAsync(ISkillModel model, ClawDbContext context, CoordinatorOptions? options = null)
    {
        var time = TimeProvider.System;
        var lifecycle = new WorkItemLifecycle(context, time, NoWorkSignals.Instance);
        var pass = new AssignmentPass(context, lifecycle, new GroupSkillModels(new SkillModels(model), NullLogger<GroupSkillModels>.Instance), Judgements, Skills, Readings, Records,
            new FixedOptionsMonitor<CoordinatorOptions>(options ?? new CoordinatorOptions()), time, NullLogger<AssignmentPass>.Instance);
        return await pass.RunAsync(GroupId, CancellationToken.None);
    }

    /// <summary>One reviewer pass, as the coordinator's job runs it; returns how many results were offered for review.</summary>
    public async Task<int> RunReviewerPassAsync(ISkillModel model)
    {
        await using var context = database.NewContext();
        var time = TimeProvider.System;
        var pass = new ReviewerPass(context, new WorkItemLifecycle(context, time, NoWorkSignals.Instance),
            new GroupSkillModels(new SkillModels(model), NullLogger<GroupSkillModels>.Instance), Skills, new FixedOptionsMonitor<CoordinatorOptions>(new CoordinatorOptions()), time);
        return await pass.RunAsync(GroupId, CancellationToken.None);
    }
}
