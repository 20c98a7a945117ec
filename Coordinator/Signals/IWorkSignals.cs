namespace ClawGroups.Coordinator.Signals;

/// <summary>
/// What services announce after they commit, so that the right job runs now rather than at the next sweep.
/// Each signal is only a hint: the recurring sweeps find the same work from the database if a signal is lost.
/// </summary>
public interface IWorkSignals
{
    /// <summary>Something changed that may let the coordinator assign work in this group.</summary>
    void AssignmentNeeded(Guid groupId);

    /// <summary>These outbox messages are due for webhook delivery.</summary>
    void MessagesDue(IReadOnlyCollection<Guid> outboxMessageIds);

    /// <summary>This agent has something new to pull (an offer or a message).</summary>
    void AgentHasNews(Guid agentId);

    /// <summary>These items' text was created or reworded: read it soon, together (the first pass over them reads it otherwise).</summary>
    void TextWritten(IReadOnlyCollection<Guid> workItemIds);
}
