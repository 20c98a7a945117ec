namespace ClawGroups.Coordinator.Jobs;

/// <summary>The Hangfire queues, most urgent first (a server takes from the first non-empty queue).</summary>
public static class JobQueues
{
    public const string Coordinator = "coordinator";
    public const string Webhooks = "webhooks";
    public const string Default = "default";

    public static readonly string[] All = [Coordinator, Webhooks, Default];
}
