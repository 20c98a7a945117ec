using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Groups;

/// <summary>
/// The one definition of a member's load, read by the roster, the reassign dialog and the assignment pass's reasons alike:
/// the work items it holds — offered or in progress, paused ones included (they keep their holder) — and, for an agent, the
/// reviews it was asked for and has not answered. A result waiting in review does not count: its author is free for new work.
/// </summary>
public static class MemberLoad
{
    private static readonly WorkItemState[] Holding = [WorkItemState.Assigned, WorkItemState.InProgress];

    /// <summary>Each agent of the group with any load (absent: none), or only <paramref name="agentIds"/> when given.</summary>
    public static async Task<Dictionary<Guid, int>> OfAgentsAsync(
        ClawDbContext context, Guid groupId, IReadOnlyCollection<Guid>? agentIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var items = context.WorkItems.AsNoTracking().Where(w => w.GroupId == groupId && w.AssigneeAgentId != null && Holding.Contains(w.State));
        var reviews = context.Assignments.AsNoTracking()
            .Where(a => a.GroupId == groupId && a.Role == AssignmentRole.Review && a.EndedAt == null && a.AgentId != null);
        if (agentIds is not null)
        {
            items = items.Where(w => agentIds.Contains(w.AssigneeAgentId!.Value));
            reviews = reviews.Where(a => agentIds.Contains(a.AgentId!.Value));
        }

        var work = await items.GroupBy(w => w.AssigneeAgentId!.Value)
            .Select(g => new { AgentId = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var open = await reviews.GroupBy(a => a.AgentId!.Value)
            .Select(g => new { AgentId = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var load = new Dictionary<Guid, int>();
        foreach (var entry in work.Concat(open))
        {
            load[entry.AgentId] = load.GetValueOrDefault(entry.AgentId) + entry.Count;
        }

        return load;
    }

    /// <summary>Each of <paramref name="userIds"/> with any load in the group (absent: none).</summary>
    public static Task<Dictionary<Guid, int>> OfHumansAsync(
        ClawDbContext context, Guid groupId, IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.WorkItems.AsNoTracking()
            .Where(w => w.GroupId == groupId && w.AssigneeUserId != null && userIds.Contains(w.AssigneeUserId.Value) && Holding.Contains(w.State))
            .GroupBy(w => w.AssigneeUserId!.Value)
            .Select(g => new { UserId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.UserId, x => x.Count, cancellationToken);
    }
}
