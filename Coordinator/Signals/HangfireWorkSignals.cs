using System.Collections.Concurrent;
using ClawGroups.Coordinator.Cluster;
using ClawGroups.Coordinator.Jobs;
using Hangfire;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Coordinator.Signals;

/// <summary>
/// Turns signals into Hangfire jobs, and wakes long-polling agents on this node and the others. Signals are hints sent after
/// a commit: one that cannot be sent (the job storage or the bus not answering) is logged and dropped, never thrown into a
/// request whose work is already saved; the sweep re-runs passes and lost deliveries, and long polls re-check on their own.
/// </summary>
public sealed partial class HangfireWorkSignals(
    IBackgroundJobClient jobs, AgentWaiters waiters, IClusterBus cluster, TimeProvider time, ILogger<HangfireWorkSignals> logger) : IWorkSignals
{
    /// <summary>A burst of changes in one group (a goal split into fifty items) needs one pass, not fifty.</summary>
    public static readonly TimeSpan PassDebounce = TimeSpan.FromMilliseconds(250);

    /// <summary>Per group, when the last pass enqueued for it is due.</summary>
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _nextPass = new();

    /// <summary>
    /// A group idle for a window gets a pass now and one at the window's end (for the changes in between); signals that keep
    /// coming (a swarm finishing items every few milliseconds) get one pass per window, each at its end. So a group never
    /// has more than one pass due, and a change waits at most one window.
    /// </summary>
    public void AssignmentNeeded(Guid groupId)
    {
        var now = time.GetUtcNow();
        var known = _nextPass.TryGetValue(groupId, out var next);
        if (known && next > now)
        {
            // A pass is already due within the window and will see this change.
            return;
        }

        // Just after the last window's pass, the next one at this window's end covers the change; after a quiet spell, one
        // runs now as well.
        var leading = !known || now - next >= PassDebounce;
        var due = leading ? now + PassDebounce : next + PassDebounce;
        if (!(known ? _nextPass.TryUpdate(groupId, due, next) : _nextPass.TryAdd(groupId, due)))
        {
            // Another request's signal claimed this window at the same moment.
            return;
        }

        Send("assignment pass", () =>
        {
            if (leading)
            {
                jobs.Enqueue<CoordinatorJobs>(j => j.RunAssignmentPassAsync(groupId, CancellationToken.None));
            }

            jobs.Schedule<CoordinatorJobs>(j => j.RunAssignmentPassAsync(groupId, CancellationToken.None), due - now);
        });
    }

    public void MessagesDue(IReadOnlyCollection<Guid> outboxMessageIds)
    {
        ArgumentNullException.ThrowIfNull(outboxMessageIds);
        Send("webhook delivery", () =>
        {
            foreach (var id in outboxMessageIds)
            {
                jobs.Enqueue<CoordinatorJobs>(j => j.DeliverWebhookAsync(id, CancellationToken.None));
            }
        });
    }

    public void AgentHasNews(Guid agentId)
    {
        waiters.Notify(agentId);
        // The agent's long poll may be held by another node.
        Send("agent news", () => cluster.AgentHasNews(agentId));
    }

    private void Send(string signal, Action send)
    {
        try
        {
            send();
        }
#pragma warning disable CA1031 // A hint that cannot be sent must not fail the committed request that sends it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogSignalLost(logger, exception, signal);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Signal} signal could not be sent; the sweep catches up")]
    private static partial void LogSignalLost(ILogger logger, Exception exception, string signal);
}
