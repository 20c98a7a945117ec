using ClawGroups.Data.Accounts;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Tests.Insights;

/// <summary>
/// A group's spending, built up in one context for the spend tests: agents, items and the attempts each with the cost its
/// agent reported. An item's usage is kept as the coordinator keeps it, the sum over its attempts.
/// </summary>
internal sealed class SpendHistory
{
    private readonly ClawDbContext _context;
    private readonly DateTimeOffset _now;

    private SpendHistory(ClawDbContext context, Group group, DateTimeOffset now) => (_context, Group, _now) = (context, group, now);

    public Group Group { get; }

    public Guid GroupId => Group.Id;

    public static SpendHistory Start(ClawDbContext context, string name, DateTimeOffset now, GroupBudgets? budgets = null)
    {
        var group = new Group { Id = Guid.CreateVersion7(), Name = name, CreatedAt = now.AddDays(-60), Budgets = budgets ?? new GroupBudgets() };
        context.Groups.Add(group);
        return new SpendHistory(context, group, now);
    }

    public Agent Agent(string name)
    {
        var agent = new Agent
        {
            Id = Guid.CreateVersion7(), GroupId = GroupId, Name = name, Status = AgentStatus.Online, RegisteredAt = _now.AddDays(-50),
            ApiKeyHash = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"), ApiKeyPrefix = "cg_agent_x",
        };
        _context.Agents.Add(agent);
        return agent;
    }

    public WorkItem Item(string title, params string[] requiredSkills)
    {
        var item = new WorkItem
        {
            Id = Guid.CreateVersion7(), GroupId = GroupId, Title = title, RequiredSkills = [.. requiredSkills], State = WorkItemState.Done,
            StateChangedAt = _now, CreatedAt = _now.AddDays(-40), UpdatedAt = _now, CreatedByKind = MemberKind.Human,
        };
        _context.WorkItems.Add(item);
        return item;
    }

    /// <summary>An attempt of <paramref name="agent"/> on <paramref name="item"/>, offered at <paramref name="offered"/>, that reported <paramref name="cost"/> in all.</summary>
    public Assignment Spent(
        WorkItem item, Agent agent, DateTimeOffset offered, decimal cost, AssignmentOutcome outcome = AssignmentOutcome.Completed,
        AssignmentRole role = AssignmentRole.Work)
    {
        if (role == AssignmentRole.Work)
        {
            item.Attempts++;
        }

        item.Usage.CostUsd += cost;
        var attempt = new Assignment
        {
            Id = Guid.CreateVersion7(), WorkItemId = item.Id, GroupId = GroupId, MemberKind = MemberKind.Agent, AgentId = agent.Id,
            Attempt = Math.Max(1, item.Attempts), Role = role, OfferedAt = offered, AcceptedAt = offered.AddMinutes(1),
            EndedAt = outcome == AssignmentOutcome.Active ? null : offered.AddMinutes(30), Outcome = outcome,
            Usage = { CostUsd = cost, InputTokens = 1000, OutputTokens = 100 },
        };
        _context.Assignments.Add(attempt);
        return attempt;
    }

    /// <summary>A person who belongs to this group (and to no other).</summary>
    public Guid Person(string name)
    {
        var user = new ClawUser
        {
            Id = Guid.CreateVersion7(), UserName = $"{name}-{Guid.NewGuid():N}@example.com", DisplayName = name, CreatedAt = _now.AddDays(-50),
        };
        _context.Users.Add(user);
        _context.GroupMembers.Add(new GroupMember { GroupId = GroupId, UserId = user.Id, Role = GroupRole.Member, JoinedAt = _now.AddDays(-50) });
        return user.Id;
    }
}
