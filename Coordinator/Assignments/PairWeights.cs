using System.Collections;
using ClawGroups.Data.Agents;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// How a pass weighs each (item, member) pair (<see cref="AssignmentCandidates"/>'s weights), with what every pair shares
/// worked out once: the batch's priorities, each member's spare share and track record, which members meet which
/// required skills. Gives the pairs a solver needs (<see cref="Candidates"/>) and, for the items offered, every pair of
/// theirs (<see cref="RowsOf"/>), which the offers are shown with.
/// </summary>
public sealed class PairWeights
{
    private readonly IReadOnlyList<WorkItem> _items;
    private readonly IReadOnlyList<Agent> _agents;
    private readonly AffinityMatrix _affinities;
    private readonly int _lowest;
    private readonly int _spread;
    private readonly int[] _used;
    private readonly double[] _spareShare;
    private readonly TrackRecordLeads? _leads;
    private readonly RequiredSkills _requirements;
    private readonly RoutingPreference _preference;

    public PairWeights(
        IReadOnlyList<WorkItem> items, IReadOnlyList<Agent> agents, IReadOnlyDictionary<Guid, int> load, AffinityMatrix affinities,
        TrackRecords? records = null, RoutingPreference? preference = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(affinities);
        (_items, _agents, _affinities) = (items, agents, affinities);
        _lowest = items.Count == 0 ? 0 : items.Min(w => w.Priority);
        _spread = items.Count == 0 ? 0 : items.Max(w => w.Priority) - _lowest;
        // Per agent once, not per pair: a cold pass weighs a million pairs.
        _used = agents.Select(agent => load.GetValueOrDefault(agent.Id)).ToArray();
        _spareShare = agents.Select((agent, a) => agent.Capacity > 0 ? 1 - ((double)_used[a] / agent.Capacity) : 0).ToArray();
        _leads = TrackRecordLeads.Of(agents, records);
        _requirements = new RequiredSkills(items, agents);
        _preference = preference ?? RoutingPreference.None;
    }

    /// <summary>Whether the pair may be chosen: the member has a free slot and could take the item (required skills, exclusions).</summary>
    public bool Allowed(int item, int agent) => _used[agent] < _agents[agent].Capacity && _requirements.CouldTake(item, agent);

    public AssignmentCandidate Weigh(int item, int agent)
    {
        var workItem = _items[item];
        var member = _agents[agent];
        var priority = _spread == 0 ? 0 : (double)(workItem.Priority - _lowest) / _spread;
        var best = _affinities.BestSkill(item, agent);
        var affinity = _affinities.Score(item, agent);
        var level = _requirements.LevelOf(item, agent, best);
        var lead = _leads?.Of(agent, best) ?? 0;
        var preferred = _preference.Prefers(workItem, member, best);
        var score = (AssignmentCandidates.AffinityWeight * affinity) + (AssignmentCandidates.LevelWeight * level)
            + (AssignmentCandidates.SpareCapacityWeight * _spareShare[agent]) + (AssignmentCandidates.PriorityWeight * priority)
            + (AssignmentCandidates.TrackRecordWeight * lead) + (preferred ? AssignmentCandidates.PreferredKindWeight : 0);
        return new AssignmentCandidate(item, agent, score, affinity, level, best, lead, preferred);
    }

    /// <summary>
    /// The allowed pairs but for the items <paramref name="leaveOut"/> names, item by item. With <paramref name="shortlist"/>,
    /// only the pairs an answer of the most items at the best total can use (<see cref="EachAgentsShare"/>), where that
    /// leaves fewer; and when more pairs than it allows remain, only each item's and each agent's best
    /// (<see cref="CandidatePruning.TopPerItemAndAgent"/>'s answer), streamed so that the whole list is never made.
    /// </summary>
    public List<AssignmentCandidate> Candidates(IReadOnlySet<int>? leaveOut = null, ShortlistSize? shortlist = null)
        => Choose(leaveOut, shortlist).Pairs;

    /// <summary>
    /// <see cref="Candidates"/>, saying whether each item's best pairs are among them: all pairs, or the shortlist's best
    /// per item, are; each agent's share need not hold an item's runners-up, which are then read from its row
    /// (<see cref="RowsOf"/>).
    /// </summary>
    public (List<AssignmentCandidate> Pairs, bool EachItemsBest) Choose(IReadOnlySet<int>? leaveOut, ShortlistSize? shortlist)
    {
        // Which pairs are allowed first, so that the list is made at its size once: grown pair by pair, it allocated about
        // twice its size, and sized for every pair, it held room for the many that required skills and exclusions rule out.
        var allowed = new BitArray(_items.Count * _agents.Count);
        var perAgent = new int[_agents.Count];
        var count = 0;
        for (var i = 0; i < _items.Count; i++)
        {
            if (leaveOut?.Contains(i) == true)
            {
                continue;
            }

            for (var a = 0; a < _agents.Count; a++)
            {
                if (Allowed(i, a))
                {
                    allowed[(i * _agents.Count) + a] = true;
                    perAgent[a]++;
                    count++;
                }
            }
        }

        if (shortlist is { } size)
        {
            var shares = ShareSizes(perAgent);
            var inShares = shares.Sum(s => (long)s);
            if (inShares < count && inShares <= size.Above)
            {
                return (EachAgentsShare(allowed, shares), false);
            }

            if (count > size.Above)
            {
                // The kept pairs are weighed again as they come out: a few per item, where the list would have held them all.
                var best = new CandidateShortlist(_items.Count, size.PerItem, _agents.Count, size.PerAgent);
                ForEachAllowed(allowed, (i, a) => best.Offer(i, a, Weigh(i, a).Score));
                return (best.ToCandidates((i, a, _) => Weigh(i, a)), true);
            }
        }

        var candidates = new List<AssignmentCandidate>(count);
        ForEachAllowed(allowed, (i, a) => candidates.Add(Weigh(i, a)));
        return (candidates, true);
    }

    /// <summary>
    /// Every allowed pair of each of <paramref name="items"/>, item by item, weighed as they are read (not kept in a list): what
    /// an offered item is shown beside where the solver had only each agent's share (<see cref="Choose"/>).
    /// </summary>
    public IEnumerable<AssignmentCandidate> RowsOf(IEnumerable<int> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Rows(items);
    }

    private IEnumerable<AssignmentCandidate> Rows(IEnumerable<int> items)
    {
        foreach (var i in items)
        {
            for (var a = 0; a < _agents.Count; a++)
            {
                if (Allowed(i, a))
                {
                    yield return Weigh(i, a);
                }
            }
        }
    }

    /// <summary>
    /// How many items each agent's share holds: its allowed pairs, at most as many as the pass has free slots in all.
    /// </summary>
    private int[] ShareSizes(int[] perAgent)
    {
        var slots = 0L;
        for (var a = 0; a < _agents.Count; a++)
        {
            slots += Math.Max(0, _agents[a].Capacity - _used[a]);
        }

        return perAgent.Select(pairs => (int)Math.Min(pairs, slots)).ToArray();
    }

    /// <summary>
    /// Each agent's best items, as many as the pass has free slots in all (S): no answer of the most items at the best total
    /// needs another pair, so solving these is solving them all. If an answer gave agent a an item i outside its best S, at
    /// most S − 1 of those S are placed (an answer places at most S items, i among them), so one of them, j, is free, and
    /// giving a j instead of i places as many items at a total no lower. A greedy solver (an operator's choice) never takes a
    /// pair outside them either: when it came to one, a still had room, so all of a's best S were already placed, S + 1 in
    /// all. Pairs are ranked by score; one that is not a number is left out (a heap cannot rank it). In the swarm a steady
    /// pass has a few dozen free slots against thousands of ready items: it weighed ~28,000 pairs (an estimate from its
    /// candidate lists' bytes), each pass a few large arrays for the collector; the shares hold at most the members with a
    /// free slot times S (docs/PERFORMANCE.md).
    /// </summary>
    private List<AssignmentCandidate> EachAgentsShare(BitArray allowed, int[] shares)
    {
        var best = new BestOf(shares);
        ForEachAllowed(allowed, (i, a) =>
        {
            var score = Weigh(i, a).Score;
            if (!double.IsNaN(score))
            {
                best.Offer(a, i, score);
            }
        });
        // Back in the order every other path gives (item by item, agent by agent): the solvers break ties by it.
        var kept = new BitArray(allowed.Length);
        var keptCount = 0;
        best.Visit((a, i, _) =>
        {
            kept[(i * _agents.Count) + a] = true;
            keptCount++;
        });
        var candidates = new List<AssignmentCandidate>(keptCount);
        ForEachAllowed(kept, (i, a) => candidates.Add(Weigh(i, a)));
        return candidates;
    }

    private void ForEachAllowed(BitArray pairs, Action<int, int> visit)
    {
        for (var p = 0; p < pairs.Length; p++)
        {
            if (pairs[p])
            {
                visit(p / _agents.Count, p % _agents.Count);
            }
        }
    }
}
