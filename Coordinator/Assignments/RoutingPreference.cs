using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// A group's preference for people in some work and for agents in other (the group settings <c>preferPeopleFor</c> and
/// <c>preferAgentsFor</c>, decision 0031): skill ids or tags. An item is in a list when one of its required skills is there,
/// or, when it requires none, when the skill the model matched it to in the member (its id or one of its tags) is there.
/// Such an item gives the preferred kind's members <see cref="AssignmentCandidates.PreferredKindWeight"/> more score: a bonus,
/// never a filter, so with no one of that kind present the others still get the work.
/// </summary>
public sealed class RoutingPreference
{
    private readonly HashSet<string> _people;
    private readonly HashSet<string> _agents;

    public RoutingPreference(IEnumerable<string> peopleFor, IEnumerable<string> agentsFor)
    {
        ArgumentNullException.ThrowIfNull(peopleFor);
        ArgumentNullException.ThrowIfNull(agentsFor);
        _people = new HashSet<string>(peopleFor, StringComparer.OrdinalIgnoreCase);
        _agents = new HashSet<string>(agentsFor, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A group that prefers nothing: every pair's bonus is 0.</summary>
    public static RoutingPreference None { get; } = new([], []);

    public bool IsEmpty => _people.Count == 0 && _agents.Count == 0;

    /// <summary>The group's preference as its settings hold it.</summary>
    public static async Task<RoutingPreference> ForGroupAsync(ClawDbContext context, Guid groupId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var lists = await context.Groups.AsNoTracking().Where(g => g.Id == groupId)
            .Select(g => new { g.PreferPeopleFor, g.PreferAgentsFor }).SingleAsync(cancellationToken);
        return new RoutingPreference(lists.PreferPeopleFor, lists.PreferAgentsFor);
    }

    /// <summary>
    /// Whether the group prefers <paramref name="member"/>'s kind for <paramref name="item"/>; <paramref name="bestSkill"/>
    /// is the index of the member's skill the model matched best (-1: none), read only for an item that requires no skill.
    /// An item in both lists prefers neither: the two cancel out rather than one silently winning.
    /// </summary>
    public bool Prefers(WorkItem item, Agent member, int bestSkill)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(member);
        if (IsEmpty)
        {
            return false;
        }

        var forPeople = Lists(_people, item, member, bestSkill);
        var forAgents = Lists(_agents, item, member, bestSkill);
        if (forPeople == forAgents)
        {
            return false;
        }

        return member is PersonCandidate ? forPeople : forAgents;
    }

    /// <summary>A reason's words for a bonus that counted, by the member's kind; null when none did.</summary>
    public static string? Describe(bool preferred, Agent member)
        => !preferred ? null : member is PersonCandidate ? "the group prefers people for this" : "the group prefers agents for this";

    private static bool Lists(HashSet<string> skills, WorkItem item, Agent member, int bestSkill)
    {
        if (skills.Count == 0)
        {
            return false;
        }

        if (item.RequiredSkills.Count > 0)
        {
            return item.RequiredSkills.Any(skills.Contains);
        }

        return bestSkill >= 0 && bestSkill < member.Skills.Count
            && (skills.Contains(member.Skills[bestSkill].SkillId) || member.Skills[bestSkill].Tags.Any(skills.Contains));
    }
}
