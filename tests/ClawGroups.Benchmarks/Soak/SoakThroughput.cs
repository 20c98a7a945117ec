namespace ClawGroups.Benchmarks.Soak;

/// <summary>
/// Whether throughput held: items finished per second at the start of the run's steady part against its end.
/// <para>
/// The steady part begins once 5 % of the items have finished (warm-up: the JIT, the first passes, the pools filling)
/// and ends at the first moment every item has been created and fewer items are open than the agents have slots (after
/// that the agents run out of work and the rate falls for want of it, not because the server slowed: the drain). Start is
/// the first 10 % of the steady part, end its last 10 %. With items fed at a steady rate the server can keep up with,
/// both are the feed rate and the ratio says it kept up to the end; with items preloaded, both are what the server can do.
/// </para>
/// </summary>
internal sealed record SoakThroughput(double SteadyFrom, double SteadyTo, double StartPerSecond, double EndPerSecond)
{
    public double EndOverStart => EndPerSecond / StartPerSecond;

    /// <param name="created">When each item was created, seconds from the start of the run, in order.</param>
    /// <param name="finished">When each result was taken, seconds from the start of the run, in order.</param>
    public static SoakThroughput? Measure(IReadOnlyList<double> created, IReadOnlyList<double> finished, int slots)
    {
        if (finished.Count < 20 || created.Count == 0)
            return null;
        var from = finished[(int)(0.05 * finished.Count)];
        var to = DrainStart(created, finished, slots) ?? finished[^1];
        var tenth = (to - from) / 10;
        if (tenth <= 0)
            return null;
        return new SoakThroughput(from, to, Rate(finished, from, from + tenth), Rate(finished, to - tenth, to));
    }

    /// <summary>Items finished per second from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static double Rate(IReadOnlyList<double> finished, double from, double to) =>
        finished.Count(at => at > from && at <= to) / (to - from);

    /// <summary>The first moment all items are created (the last one the feed made) and fewer are open than there are slots; null if it never came.</summary>
    private static double? DrainStart(IReadOnlyList<double> created, IReadOnlyList<double> finished, int slots)
    {
        var allCreated = created[^1];
        var done = finished.Count(at => at <= allCreated);
        if (created.Count - done < slots)
            return allCreated;
        for (var i = done; i < finished.Count; i++)
        {
            if (created.Count - (i + 1) < slots)
                return finished[i];
        }

        return null;
    }
}
