namespace ClawGroups.Coordinator.Webhooks;

/// <summary>
/// When to retry a failed delivery: exponential in the number of attempts, capped, with "equal jitter" (half
/// fixed, half random) so that many agents failing together do not all retry in the same second.
/// </summary>
public static class DeliveryBackoff
{
    public static TimeSpan Delay(int attempts, double baseSeconds, double maxSeconds, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var exponential = Math.Min(maxSeconds, baseSeconds * Math.Pow(2, Math.Max(0, attempts - 1)));
        return TimeSpan.FromSeconds((exponential / 2) + (random.NextDouble() * exponential / 2));
    }
}
