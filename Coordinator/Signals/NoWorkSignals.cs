namespace ClawGroups.Coordinator.Signals;

/// <summary>
/// Signals that go nowhere, for code that runs the coordinator's passes without a job system (benchmarks, tests,
/// one-off tools): the database is still the truth, and the next sweep finds whatever a signal would have hurried.
/// </summary>
public sealed class NoWorkSignals : IWorkSignals
{
    public static readonly NoWorkSignals Instance = new();

    public void AssignmentNeeded(Guid groupId)
    {
    }

    public void MessagesDue(IReadOnlyCollection<Guid> outboxMessageIds)
    {
    }

    public void AgentHasNews(Guid agentId)
    {
    }

    public void TextWritten(IReadOnlyCollection<Guid> workItemIds)
    {
    }
}
