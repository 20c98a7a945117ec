using Hangfire;

namespace ClawGroups.Coordinator.Jobs;

/// <summary>A group's passes, asked for by a change in the group (<see cref="Signals.HangfireWorkSignals"/>).</summary>
public sealed class AssignmentPassJob(GroupPasses passes)
{
    /// <summary>
    /// Not retried by Hangfire: a pass that fails is recorded for <c>/health</c>, and the sweep runs the group's pass
    /// again within one interval, from the state as it is then. Safe to run twice: a pass reads the group's state afresh.
    /// </summary>
    [Queue(JobQueues.Coordinator)]
    [AutomaticRetry(Attempts = 0)]
    public Task RunAsync(Guid groupId, CancellationToken cancellationToken) => passes.AssignAndFindReviewersAsync(groupId, cancellationToken);
}
