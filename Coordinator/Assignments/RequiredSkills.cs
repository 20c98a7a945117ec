using ClawGroups.Data.Agents;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// Which of a pass's members meet which of its items' required skills, and at what declared level, worked out once per
/// required skill and member rather than once per pair. A cold pass weighs a million (item, member) pairs twice (for the
/// items' confidence and for the offers), and comparing each pair's required skills with the member's skills and tags,
/// ignoring case, was a quarter of both (docs/PERFORMANCE.md). The answers are <see cref="AssignmentCandidates.CouldTake"/>'s
/// and <see cref="AssignmentCandidates.LevelOf"/>'s.
/// </summary>
public sealed class RequiredSkills
{
    /// <summary>Per item, the numbers of its required skills.</summary>
    private readonly int[][] _needs;

    /// <summary>Per required skill, per member: whether one of the member's skills meets it.</summary>
    private readonly bool[][] _meets;

    /// <summary>Per required skill, per member: the highest declared level among the member's skills that meet it, or -1.</summary>
    private readonly double[][] _levels;

    private readonly IReadOnlyList<WorkItem> _items;
    private readonly IReadOnlyList<Agent> _members;

    public RequiredSkills(IReadOnlyList<WorkItem> items, IReadOnlyList<Agent> members)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(members);
        (_items, _members) = (items, members);
        // Skill ids and tags are compared ignoring case (AssignmentCandidates.Meets): so are the required skills numbered.
        var numbers = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        _needs = [.. items.Select(item => item.RequiredSkills.Select(required => numbers.TryAdd(required, numbers.Count) ? numbers.Count - 1 : numbers[required]).ToArray())];
        _meets = new bool[numbers.Count][];
        _levels = new double[numbers.Count][];
        foreach (var (required, number) in numbers)
        {
            (_meets[number], _levels[number]) = (new bool[members.Count], new double[members.Count]);
            for (var m = 0; m < members.Count; m++)
            {
                (_meets[number][m], _levels[number][m]) = Meeting(members[m], required);
            }
        }
    }

    /// <summary>Whether the member could take the item, capacity aside: <see cref="AssignmentCandidates.CouldTake"/>'s answer.</summary>
    public bool CouldTake(int item, int member) =>
        PersonCandidate.IsKindAsked(_items[item], _members[member]) && !AssignmentCandidates.Excluded(_items[item], _members[member]) && MeetsAll(item, member);

    /// <summary>
    /// The highest declared level among the member's skills that meet one of the item's required skills or that the model
    /// matched best; 0.5 when none: <see cref="AssignmentCandidates.LevelOf"/>'s answer.
    /// </summary>
    public double LevelOf(int item, int member, int bestSkill)
    {
        var skills = _members[member].Skills;
        var level = bestSkill >= 0 && bestSkill < skills.Count ? skills[bestSkill].Level : -1.0;
        foreach (var required in _needs[item])
        {
            level = Math.Max(level, _levels[required][member]);
        }

        return level < 0 ? 0.5 : level;
    }

    private bool MeetsAll(int item, int member)
    {
        foreach (var required in _needs[item])
        {
            if (!_meets[required][member])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether one of the member's skills meets <paramref name="required"/>, and the highest level among those that do (-1: none).</summary>
    private static (bool Meets, double Level) Meeting(Agent member, string required)
    {
        var (meets, level) = (false, -1.0);
        foreach (var skill in member.Skills)
        {
            if (AssignmentCandidates.Meets(skill, required))
            {
                (meets, level) = (true, Math.Max(level, skill.Level));
            }
        }

        return (meets, level);
    }
}
