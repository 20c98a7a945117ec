using ClawGroups.Coordinator.Learning;
using Hangfire;

namespace ClawGroups.Coordinator.Jobs;

/// <summary>One group's feedback to the model, fanned out by <see cref="SkillFeedbackJob"/>.</summary>
public sealed class TuneGroupJob(SkillFeedback feedback)
{
    /// <summary>
    /// Safe to run twice (the watermark makes the second find nothing new, and two at once conflict on the tuning's
    /// version). On the last queue: tuning is seconds of CPU that must not hold up passes or webhooks.
    /// </summary>
    [Queue(JobQueues.Default)]
    [AutomaticRetry(Attempts = 2)]
    public Task RunAsync(Guid groupId, CancellationToken cancellationToken) => feedback.RunAsync(groupId, cancellationToken);
}
