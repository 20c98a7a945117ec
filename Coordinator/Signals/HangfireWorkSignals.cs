using System.Collections.Concurrent;
using ClawGroups.Coordinator.Jobs;
using Hangfire;

namespace ClawGroups.Coordinator.Signals;

/// <summary>Turns signals into Hangfire jobs (and wakes this node's long-polling agents).</summary>
public sealed class HangfireWorkSignals(IBackgroundJobClient jobs, AgentWaiters waiters, TimeProvider time) : IWorkSignals
{
    /// <summary>A burst of changes in one group (a goal split into fifty items) needs one pass, not fifty.</summary>
    private static readonly TimeSpan PassDebounce = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastPass = new();

    public void AssignmentNeeded(Guid groupId)
    {
        var now = time.GetUtcNow();
        var last = _lastPass.GetValueOrDefault(groupId);
        if (now - last < PassDebounce)
        {
            // A pass enqueued moments ago has not started yet (or just did) and will see this change.
            jobs.Schedule<CoordinatorJobs>(j => j.RunAssignmentPassAsync(groupId, CancellationToken.None), PassDebounce);
            return;
        }

        _lastPass[groupId] = now;
        jobs.Enqueue<CoordinatorJobs>(j => j.RunAssignmentPassAsync(groupId, CancellationToken.None));
    }

    public void MessagesDue(IReadOnlyCollection<Guid> outboxMessageIds)
    {
        ArgumentNullException.ThrowIfNull(outboxMessageIds);
        foreach (var id in outboxMessageIds)
        {
            jobs.Enqueue<CoordinatorJobs>(j => j.DeliverWebhookAsync(id, CancellationToken.None));
        }
    }

    public void AgentHasNews(Guid agentId) => waiters.Notify(agentId);
}
