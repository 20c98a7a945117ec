namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// Whether distinct items can fill every agent's slots: a maximum b-matching by a greedy start and breadth-first
/// augmenting paths (an agent needing an item takes one from an agent that can take another, and so on, until some
/// agent on the chain takes a free item).
/// </summary>
internal static class SlotFill
{
    /// <param name="agentStart">Where each agent's items start in <paramref name="agentItems"/> (one more entry than agents).</param>
    /// <param name="agentItems">The items each agent may take, agent after agent, best first.</param>
    /// <param name="capacity">The slots of each agent, at most its number of items.</param>
    /// <param name="itemCount">The number of items.</param>
    public static bool Saturates(int[] agentStart, int[] agentItems, int[] capacity, int itemCount)
    {
        var agents = capacity.Length;
        var holder = new int[itemCount];
        Array.Fill(holder, -1);
        var held = new int[agents];
        for (var a = 0; a < agents; a++)
        {
            for (var k = agentStart[a]; k < agentStart[a + 1] && held[a] < capacity[a]; k++)
            {
                if (holder[agentItems[k]] < 0)
                {
                    holder[agentItems[k]] = a;
                    held[a]++;
                }
            }
        }

        var parent = new int[agents];
        var reachedVia = new int[agents];
        var queue = new int[agents];
        var stamp = new int[agents];
        var round = 0;
        for (var a = 0; a < agents; a++)
        {
            while (held[a] < capacity[a])
            {
                if (!Augment(a, ++round, agentStart, agentItems, holder, parent, reachedVia, queue, stamp))
                {
                    return false;
                }

                held[a]++;
            }
        }

        return true;
    }

    /// <summary>One breadth-first search from <paramref name="root"/> for a free item; moves items along the path found.</summary>
    private static bool Augment(int root, int round, int[] agentStart, int[] agentItems, int[] holder, int[] parent, int[] reachedVia, int[] queue, int[] stamp)
    {
        int head = 0, tail = 0;
        queue[tail++] = root;
        stamp[root] = round;
        while (head < tail)
        {
            var agent = queue[head++];
            for (var k = agentStart[agent]; k < agentStart[agent + 1]; k++)
            {
                var item = agentItems[k];
                var other = holder[item];
                if (other == agent)
                {
                    continue;
                }

                if (other < 0)
                {
                    // Walk back: each agent on the path takes the item that led to the next, the root gains one.
                    var (taker, taken) = (agent, item);
                    while (true)
                    {
                        holder[taken] = taker;
                        if (taker == root)
                        {
                            return true;
                        }

                        (taker, taken) = (parent[taker], reachedVia[taker]);
                    }
                }

                if (stamp[other] != round)
                {
                    stamp[other] = round;
                    reachedVia[other] = item;
                    parent[other] = agent;
                    queue[tail++] = other;
                }
            }
        }

        return false;
    }
}
