namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// The baseline solver: take pairs best score first, while the item is unassigned and the agent has capacity.
/// Ties break by candidate order (item priority, then agent id), so equal inputs give equal answers.
/// </summary>
public static class GreedyAssignment
{
    /// <summary>Indexes into <paramref name="candidates"/> of the chosen pairs.</summary>
    public static List<int> Choose(IReadOnlyList<AssignmentCandidate> candidates, int[] spareCapacity, int itemCount)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(spareCapacity);
        var order = Enumerable.Range(0, candidates.Count).ToArray();
        Array.Sort(order, (x, y) =>
        {
            var byScore = candidates[y].Score.CompareTo(candidates[x].Score);
            return byScore != 0 ? byScore : x.CompareTo(y);
        });
        var spare = (int[])spareCapacity.Clone();
        var taken = new bool[itemCount];
        var chosen = new List<int>();
        foreach (var index in order)
        {
            var candidate = candidates[index];
            if (taken[candidate.Item] || spare[candidate.Agent] <= 0)
            {
                continue;
            }

            taken[candidate.Item] = true;
            spare[candidate.Agent]--;
            chosen.Add(index);
        }

        return chosen;
    }
}
