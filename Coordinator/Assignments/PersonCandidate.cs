using ClawGroups.Coordinator.Groups;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// A present person as the assignment pass weighs them (decision 0029): their profile in an agent card's shape — id, name,
/// skills, capacity — so the model, the scores, the confidence rule and the solvers treat people and agents alike. Never
/// stored: the pass offers the item to the person (<see cref="WorkItems.WorkItemLifecycle.OfferToPerson"/>), not to an agent row.
/// </summary>
public sealed class PersonCandidate : Agent
{
    /// <summary>The member's kind as the API names it.</summary>
    public static string KindName(Agent member) => WorkItems.WorkItemViews.KindName(member is PersonCandidate ? MemberKind.Human : MemberKind.Agent);

    /// <summary>Whether the item may go to this member: an item that asks for a person or an agent gets one.</summary>
    public static bool IsKindAsked(WorkItem item, Agent member)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.AskedAssigneeKind switch
        {
            MemberKind.Human => member is PersonCandidate,
            MemberKind.Agent => member is not PersonCandidate,
            _ => true,
        };
    }

    /// <summary>
    /// The group's people who take work, have a slot for it by their profile and are present now (<see cref="PersonPresence"/>),
    /// in a fixed order (a pass's judgements hold only for the same roster read the same way).
    /// </summary>
    public static async Task<List<PersonCandidate>> PresentInGroupAsync(ClawDbContext context, Guid groupId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var seenSince = now - Accounts.PresenceService.OnlineWindow;
        var calledSince = now - PersonPresence.AfterApiCall;
        var people = await context.GroupMembers.AsNoTracking()
            .Where(m => m.GroupId == groupId && m.AcceptsWork && m.Capacity > 0)
            .Where(m => (m.User!.LastSeenAt != null && m.User.LastSeenAt >= seenSince) || (m.User.LastApiCallAt != null && m.User.LastApiCallAt >= calledSince))
            .OrderBy(m => m.UserId)
            .Select(m => new { m.UserId, m.User!.DisplayName, m.User.UserName, m.SkillsJson, m.Capacity, m.JoinedAt, m.ProfileUpdatedAt })
            .ToListAsync(cancellationToken);
        return people.Select(p =>
        {
            var person = new PersonCandidate
            {
                Id = p.UserId, GroupId = groupId, Name = p.DisplayName.Length > 0 ? p.DisplayName : p.UserName ?? "", Capacity = p.Capacity,
                Status = AgentStatus.Online, RegisteredAt = p.ProfileUpdatedAt ?? p.JoinedAt, LastHeartbeatAt = now,
            };
            // Skills in a fixed order, as an agent's are read (AvailableAgents).
            person.Skills.AddRange(PersonSkills.Read(p.SkillsJson, p.UserId).OrderBy(s => s.SkillId, StringComparer.Ordinal));
            return person;
        }).ToList();
    }
}
