namespace ClawGroups.Coordinator.Calls;

/// <summary>
/// How callers treat a lost optimistic-concurrency race (a person's move while the agent reports, two coordinators
/// on one item): run the whole operation again on fresh data a few times, then say so. The API's retry filter and
/// the workspace's actions both follow this one rule.
/// </summary>
public static class ConcurrentChange
{
    public const int Attempts = 3;

    public const string Title = "Changed concurrently";

    public const string Detail = "Someone else changed this at the same moment, several times in a row; read it again and retry.";

    public static Failure Failure { get; } = new(FailureKind.Conflict, Title, Detail);
}
