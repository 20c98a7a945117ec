using ClawGroups.Coordinator.Learning;
using ClawGroups.Data.Database;
using Hangfire;

namespace ClawGroups.Coordinator.Jobs;

/// <summary>
/// The recurring feedback to the model (<see cref="FeedbackSchedule"/>): every group whose agents' work ended since its
/// last run gets a job of its own (<see cref="TuneGroupJob"/>), so the groups spread over the cluster's workers and one
/// group's failure is retried on its own. Safe to run twice: a group enqueued twice finds nothing new the second time.
/// </summary>
public sealed class SkillFeedbackJob(ClawDbContext context, IBackgroundJobClient jobs)
{
    /// <summary>The recurring job's id in Hangfire; stable, so every node and every version updates the same one.</summary>
    public const string RecurringJobId = "skill-feedback";

    /// <summary>One fan-out at a time across the cluster.</summary>
    [Queue(JobQueues.Coordinator)]
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var groupId in await SkillFeedback.GroupsWithNewWorkAsync(context, cancellationToken))
        {
            jobs.Enqueue<TuneGroupJob>(j => j.RunAsync(groupId, CancellationToken.None));
        }
    }
}
