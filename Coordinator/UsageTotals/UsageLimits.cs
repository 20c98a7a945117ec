using ClawGroups.Coordinator.Agents;

namespace ClawGroups.Coordinator.UsageTotals;

/// <summary>
/// How much one usage report may claim, and how totals add up. Every value accepted must come back from both
/// databases and every total must be computable: SQLite keeps decimals as doubles (<c>decimal.MaxValue</c> does not
/// come back), and a sum past <c>long.MaxValue</c> fails the query that reads it. One agent's absurd report once
/// made its item, its group's usage and, through them, the stall sweep of every group answer 500.
/// </summary>
public static class UsageLimits
{
    /// <summary>A trillion tokens for one attempt: beyond any real run, far below where sums overflow.</summary>
    public const long MaxTokens = 1_000_000_000_000;

    /// <summary>A billion dollars for one attempt; doubles (SQLite) hold it to the micro-dollar.</summary>
    public const decimal MaxCostUsd = 1_000_000_000m;

    /// <summary>Adds an error, named by its field, for each value out of bounds.</summary>
    public static void Check(UsageReport? usage, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (usage is { InputTokens: < 0 or > MaxTokens })
        {
            errors["usage.inputTokens"] = [$"usage.inputTokens must be from 0 to {MaxTokens}."];
        }

        if (usage is { OutputTokens: < 0 or > MaxTokens })
        {
            errors["usage.outputTokens"] = [$"usage.outputTokens must be from 0 to {MaxTokens}."];
        }

        if (usage is { CostUsd: < 0 or > MaxCostUsd })
        {
            errors["usage.costUsd"] = [$"usage.costUsd must be from 0 to {MaxCostUsd}."];
        }
    }

    /// <summary>A total that stops at the largest value instead of overflowing.</summary>
    public static long Add(long total, long more)
    {
        var sum = unchecked(total + more);
        // Overflow only when both have the same sign and the sum's sign differs.
        return ((total ^ sum) & (more ^ sum)) < 0 ? (total < 0 ? long.MinValue : long.MaxValue) : sum;
    }

    public static decimal Add(decimal total, decimal more)
    {
        try
        {
            return checked(total + more);
        }
        catch (OverflowException)
        {
            return total < 0 ? decimal.MinValue : decimal.MaxValue;
        }
    }

    /// <summary>A sum the database computed in floating point, brought back into range.</summary>
    public static long FromSum(double sum)
        => double.IsNaN(sum) ? 0 : sum >= long.MaxValue ? long.MaxValue : sum <= long.MinValue ? long.MinValue : (long)Math.Round(sum);
}
