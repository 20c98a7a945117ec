using System.Collections.Concurrent;
using ClawGroups.Coordinator.Cluster;
using ClawGroups.Coordinator.Jobs;
using Hangfire;

namespace ClawGroups.Coordinator.Signals;

/// <summary>Turns signals into Hangfire jobs, and wakes long-polling agents on this node and the others.</summary>
public sealed class HangfireWorkSignals(IBackgroundJobClient jobs, AgentWaiters waiters, IClusterBus cluster, TimeProvider time) : IWorkSignals
{
    /// <summary>A burst of changes in one group (a goal split into fifty items) needs one pass, not fifty.</summary>
    private static readonly TimeSpan PassDebounce = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _nextPass = new();

    public void AssignmentNeeded(Guid groupId)
    {
        var now = time.GetUtcNow();
        var next = _nextPass.GetValueOrDefault(groupId);
        if (next > now)
        {
            // A pass is already due within the debounce window and will see this change.
            return;
        }

        // Run one now; changes in the next moment are covered by one more pass at the window's end.
        _nextPass[groupId] = now + PassDebounce;
        jobs.Enqueue<CoordinatorJobs>(j => j.RunAssignmentPassAsync(groupId, CancellationToken.None));
        jobs.Schedule<CoordinatorJobs>(j => j.RunAssignmentPassAsync(groupId, CancellationToken.None), PassDebounce);
    }

    public void MessagesDue(IReadOnlyCollection<Guid> outboxMessageIds)
    {
        ArgumentNullException.ThrowIfNull(outboxMessageIds);
        foreach (var id in outboxMessageIds)
        {
            jobs.Enqueue<CoordinatorJobs>(j => j.DeliverWebhookAsync(id, CancellationToken.None));
        }
    }

    public void AgentHasNews(Guid agentId)
    {
        waiters.Notify(agentId);
        // The agent's long poll may be held by another node.
        cluster.AgentHasNews(agentId);
    }
}
