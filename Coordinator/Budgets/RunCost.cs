namespace ClawGroups.Coordinator.Budgets;

/// <summary>
/// What one run costs in a month so far, in one budget's unit: the mean and spread of a set of finished runs that spent
/// anything, and the most any of them cost. Runs that cost nothing (an agent that failed silently) are left out: they say
/// nothing of what the next run will cost, and once the breakers stop offering to such agents they would only pull the mean
/// below what the offers still made cost.
/// </summary>
public sealed record RunCost(double Mean, double Deviation, double Costliest)
{
    /// <summary>
    /// How many standard deviations of the total still to spend a month keeps back. A month's runs under way each spend about
    /// the mean, and their sum strays from its expectation by the spread times the square root of their number: 300 runs of
    /// $0.05–0.15 stray by some $0.50, which took the overnight benchmark's month 1 % past its line with nothing kept back.
    /// Three deviations leave a sum that strays further less than once in 700 passes, if the runs are alike.
    /// </summary>
    public const double Deviations = 3;

    /// <summary>From the count, sum, sum of squares and most of the spending runs' costs; null when none has finished.</summary>
    public static RunCost? Of(int count, double sum, double sumOfSquares, double most)
    {
        if (count <= 0)
        {
            return null;
        }

        var mean = sum / count;
        // Runs that cost the same leave a variance of rounding error, of either sign: read it as none.
        var variance = (sumOfSquares / count) - (mean * mean);
        return new RunCost(mean, variance <= mean * mean * 1e-9 ? 0 : Math.Sqrt(variance), most);
    }

    /// <summary>
    /// The dearer of two estimates by mean, with the larger spread and the larger most of either, so that neither the runs
    /// that delivered nor all the runs that ended can make a month look cheaper than the other says; null when both are.
    /// </summary>
    public static RunCost? Dearer(RunCost? one, RunCost? other)
    {
        if (one is null || other is null)
        {
            return one ?? other;
        }

        return new RunCost(Math.Max(one.Mean, other.Mean), Math.Max(one.Deviation, other.Deviation), Math.Max(one.Costliest, other.Costliest));
    }

    /// <summary>
    /// The most new runs <paramref name="headroom"/> pays for, with <paramref name="inFlight"/> runs already under way (their
    /// expected cost already taken out of the headroom): the largest n with n × mean + k × deviation × √(in flight + n) within it.
    /// </summary>
    public int Affordable(decimal headroom, int inFlight)
    {
        if (headroom <= 0 || Mean <= 0)
        {
            return 0;
        }

        // n × m + k·d·√(f + n) ≤ h, in s = √(f + n): m·s² + k·d·s − (h + f·m) ≤ 0, whose larger root bounds s.
        var room = (double)headroom;
        var spread = Deviations * Deviation;
        var root = (-spread + Math.Sqrt((spread * spread) + (4 * Mean * (room + (inFlight * Mean))))) / (2 * Mean);
        var runs = Math.Floor((root * root) - inFlight);
        return runs <= 0 ? 0 : (int)Math.Min(int.MaxValue, runs);
    }
}
