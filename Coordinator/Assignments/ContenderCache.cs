using System.Collections.Concurrent;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// Each item's contenders (<see cref="RoutingConfidence"/>) as an earlier pass on this node judged them, so that a pass weighs
/// against every member only the items that are new or changed since: at 300 members × 4,000 ready items the judgement is
/// most of a pass's scoring. A judgement holds while the item's version (its text, its exclusions), the roster it was made
/// against (<see cref="SkillMatches.Fingerprint"/>) and the group's model are the ones it was made with; another roster or
/// model starts the group afresh. Only an optimisation: a pass on another node, or after a restart, judges for itself.
/// </summary>
public sealed class ContenderCache
{
    private readonly ConcurrentDictionary<Guid, Judgements> _groups = new();

    /// <summary>The group's judgements made with this model against this roster (empty when either changed).</summary>
    public Judgements For(Guid groupId, ISkillModel model, string roster)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(roster);
        var current = _groups.GetValueOrDefault(groupId);
        if (current is not null && ReferenceEquals(current.Model, model) && current.Roster == roster)
        {
            return current;
        }

        var fresh = new Judgements(model, roster);
        _groups[groupId] = fresh;
        return fresh;
    }

    /// <summary>One group's judgements: each item's best contenders, by item id and version.</summary>
    public sealed class Judgements(ISkillModel model, string roster) : ItemMemo<(Guid Item, long Version), IReadOnlyList<Contender>>
    {
        internal ISkillModel Model { get; } = model;

        internal string Roster { get; } = roster;
    }
}
