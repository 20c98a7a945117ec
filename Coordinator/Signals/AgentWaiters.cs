using System.Collections.Concurrent;

namespace ClawGroups.Coordinator.Signals;

/// <summary>
/// Lets a long-polling pull request wait for news without holding a thread or a database connection: the
/// request awaits a completion source that a signal completes. One per agent; all waiters of an agent wake.
/// </summary>
public sealed class AgentWaiters
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _waiting = new();

    /// <summary>A task that completes at the agent's next news; check the database after taking it, then await it.</summary>
    public Task NextNews(Guid agentId)
        => _waiting.GetOrAdd(agentId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Notify(Guid agentId)
    {
        if (_waiting.TryRemove(agentId, out var waiters))
        {
            waiters.TrySetResult();
        }
    }
}
