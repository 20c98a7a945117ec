using ClawGroups.Coordinator.Access;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Tuning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Learning;

/// <summary>
/// The coordinator's feedback to the model for one group: its agents' finished work (who did what, how long it took,
/// and how it ended: accepted, or rejected, stalled, failed, declined) tunes the group's heads, adopted only if they
/// keep the base skills and route the group's own accepted work at least as well as before. Runs again only when
/// work has ended since the last run.
/// </summary>
public sealed partial class SkillFeedback(
    ClawDbContext context, SkillModels models, IOptionsMonitor<CoordinatorOptions> options, TimeProvider time, ILogger<SkillFeedback> logger)
{
    /// <summary>The newest finished assignments a tuning learns from; older ones describe a group that has moved on.</summary>
    public const int MaxExamples = 2000;

    public const string TunedEvent = "model.tuned";

    private static readonly AssignmentOutcome[] NotAccepted =
        [AssignmentOutcome.Rejected, AssignmentOutcome.Stalled, AssignmentOutcome.Failed, AssignmentOutcome.Declined];

    /// <summary>
    /// Groups (not archived) with agents' work that ended after their tuning's watermark, or ever when never tuned:
    /// the ones a feedback run may teach something. One query; the per-group checks come after.
    /// </summary>
    public static async Task<List<Guid>> GroupsWithNewWorkAsync(ClawDbContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return await context.Groups.AsNoTracking()
            .Where(g => g.ArchivedAt == null)
            .Where(g => context.Assignments.Any(a => a.GroupId == g.Id && a.Role == AssignmentRole.Work && a.AgentId != null && a.EndedAt != null
                && !context.GroupSkillTunings.Any(t => t.GroupId == g.Id && t.ThroughEndedAt >= a.EndedAt)))
            .Select(g => g.Id)
            .ToListAsync(cancellationToken);
    }

    public async Task<SkillFeedbackOutcome> RunAsync(Guid groupId, CancellationToken cancellationToken)
    {
        if (models.Tuner is not { } tuner)
        {
            return SkillFeedbackOutcome.NoModelToTune;
        }

        var previous = await context.GroupSkillTunings.FirstOrDefaultAsync(t => t.GroupId == groupId, cancellationToken);
        var finished = await context.Assignments.Include(a => a.WorkItem)
            .Where(a => a.GroupId == groupId && a.Role == AssignmentRole.Work && a.AgentId != null && a.EndedAt != null
                        && ((a.Outcome == AssignmentOutcome.Completed && a.WorkItem!.State == WorkItemState.Done) || NotAccepted.Contains(a.Outcome)))
            .OrderByDescending(a => a.EndedAt).Take(MaxExamples)
            .AsNoTracking().ToListAsync(cancellationToken);
        var newest = finished.Count == 0 ? (DateTimeOffset?)null : finished.Max(a => a.EndedAt!.Value);
        if (newest is not { } through || (previous is not null && through <= previous.ThroughEndedAt))
        {
            return SkillFeedbackOutcome.NothingNew;
        }

        if (finished.Count(a => a.Outcome == AssignmentOutcome.Completed) < options.CurrentValue.FeedbackMinExamples)
        {
            return SkillFeedbackOutcome.TooFewExamples;
        }

        var agentIds = finished.Select(a => a.AgentId!.Value).ToHashSet();
        var agents = await context.Agents.Include(a => a.Skills).Where(a => agentIds.Contains(a.Id)).AsNoTracking()
            .ToDictionaryAsync(a => a.Id, AssignmentCandidates.ToProfile, cancellationToken);
        var examples = finished.Where(a => agents.ContainsKey(a.AgentId!.Value))
            .Select(a => new TuningExample(AssignmentCandidates.ToText(a.WorkItem!), agents[a.AgentId!.Value], a.Outcome == AssignmentOutcome.Completed,
                a.Outcome == AssignmentOutcome.Completed && a.AcceptedAt is { } accepted ? (a.EndedAt!.Value - accepted).TotalSeconds : null))
            .Reverse().ToList();

        TuningReport report;
        try
        {
            report = tuner.Tune(examples, cancellationToken);
        }
        catch (ArgumentException)
        {
            // One member with skills did all the accepted work: there is no choice between members to learn.
            return SkillFeedbackOutcome.TooFewExamples;
        }

        Record(groupId, previous, report, through);
        await context.SaveChangesAsync(cancellationToken);
        LogTuned(logger, groupId, report.Examples, report.GroupBefore, report.GroupAfter, report.BaseBefore, report.BaseAfter, report.Adopted);
        return report.Adopted ? SkillFeedbackOutcome.Adopted : SkillFeedbackOutcome.Rejected;
    }

    /// <summary>
    /// Keeps the newest head that passed; a head that did not pass only moves the watermark, so the same outcomes are
    /// not tuned on again. A null head means the group has none yet.
    /// </summary>
    private void Record(Guid groupId, GroupSkillTuning? previous, TuningReport report, DateTimeOffset through)
    {
        var now = time.GetUtcNow();
        var tuning = previous ?? context.GroupSkillTunings.Add(new GroupSkillTuning { GroupId = groupId, TunedAt = now }).Entity;
        tuning.ThroughEndedAt = through;
        if (report.Adopted)
        {
            tuning.Head = report.Head.ToSafeTensors();
            tuning.TunedAt = now;
            tuning.Examples = report.Examples;
            tuning.Members = report.Members;
            tuning.GroupAccuracyBefore = report.GroupBefore;
            tuning.GroupAccuracyAfter = report.GroupAfter;
            tuning.BaseAccuracyBefore = report.BaseBefore;
            tuning.BaseAccuracyAfter = report.BaseAfter;
            tuning.DurationErrorBefore = report.DurationErrorBefore;
            tuning.DurationErrorAfter = report.DurationErrorAfter;
        }

        context.AddTrailEvent(groupId, Caller.Coordinator, TunedEvent, now, new
        {
            adopted = report.Adopted,
            examples = report.Examples,
            members = report.Members,
            validated = report.Validated,
            groupAccuracyBefore = Math.Round(report.GroupBefore, 3),
            groupAccuracyAfter = Math.Round(report.GroupAfter, 3),
            baseAccuracyBefore = Math.Round(report.BaseBefore, 3),
            baseAccuracyAfter = Math.Round(report.BaseAfter, 3),
            durationErrorBefore = report.DurationErrorBefore is { } before ? Math.Round(before, 3) : (double?)null,
            durationErrorAfter = report.DurationErrorAfter is { } after ? Math.Round(after, 3) : (double?)null,
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Skill feedback for group {GroupId}: {Examples} outcomes, own work {GroupBefore:0.00} -> {GroupAfter:0.00}, base skills {BaseBefore:0.000} -> {BaseAfter:0.000}, adopted {Adopted}")]
    private static partial void LogTuned(ILogger logger, Guid groupId, int examples, double groupBefore, double groupAfter, double baseBefore, double baseAfter, bool adopted);
}

public enum SkillFeedbackOutcome
{
    /// <summary>The lexical model is served: nothing to tune.</summary>
    NoModelToTune,

    /// <summary>No work ended since the last tuning.</summary>
    NothingNew,

    /// <summary>Too little accepted work, or all of it by one member.</summary>
    TooFewExamples,

    Adopted,

    /// <summary>Tuned, but the head lost base skills or routed the group's own work worse; the previous one stays.</summary>
    Rejected,
}
