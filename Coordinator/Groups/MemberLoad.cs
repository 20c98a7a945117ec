using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>How many things each agent of a group holds now: items offered or in progress, and open reviews.</summary>
internal static class AgentLoad
{
    private static readonly WorkItemState[] Holding = [WorkItemState.Assigned, WorkItemState.InProgress];

    public static async Task<Dictionary<Guid, int>> ForGroupAsync(ClawDbContext context, Guid groupId, CancellationToken cancellationToken)
    {
        var work = await context.WorkItems
            .Where(w => w.GroupId == groupId && w.AssigneeAgentId != null && Holding.Contains(w.State))
            .GroupBy(w => w.AssigneeAgentId!.Value)
            .Select(g => new { AgentId = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var reviews = await context.Assignments
            .Where(a => a.GroupId == groupId && a.Role == AssignmentRole.Review && a.EndedAt == null && a.AgentId != null)
            .GroupBy(a => a.AgentId!.Value)
            .Select(g => new { AgentId = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var load = new Dictionary<Guid, int>();
        foreach (var entry in work.Concat(reviews))
        {
            load[entry.AgentId] = load.GetValueOrDefault(entry.AgentId) + entry.Count;
        }

        return load;
    }
}
