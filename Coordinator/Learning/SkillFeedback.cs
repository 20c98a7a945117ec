using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.SafeTensors;
using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Tuning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Learning;

/// <summary>
/// The coordinator's feedback to the model for one group: its agents' finished work (who did what, how long it took,
/// and how it ended: accepted, or rejected, stalled, failed, declined) and people's corrections of its routing (who a
/// person gave an item to, or took it from; who accepted what another declined; <see cref="FeedbackLabels"/>) tune the
/// group's heads, adopted only if they keep the base skills and route the group's own accepted work at least as well as
/// before. Runs again only when something new was learned since the last run.
/// </summary>
public sealed partial class SkillFeedback(
    ClawDbContext context, SkillModels models, IOptionsMonitor<CoordinatorOptions> options, TimeProvider time, ILogger<SkillFeedback> logger)
{
    /// <summary>The newest finished assignments a tuning learns from; older ones describe a group that has moved on.</summary>
    public const int MaxExamples = 2000;

    /// <summary>
    /// Groups (not archived) with teaching work labelled after their tuning's watermark (<see cref="FeedbackLabels"/>), or
    /// ever when never tuned: the ones a feedback run may teach something. One query; the per-group checks come after.
    /// </summary>
    public static async Task<List<Guid>> GroupsWithNewWorkAsync(ClawDbContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return await context.Assignments.AsNoTracking().Where(FeedbackLabels.Teaching)
            .Where(a => a.WorkItem!.Group!.ArchivedAt == null)
            .Select(FeedbackLabels.GroupLabelOf)
            .Where(label => !context.GroupSkillTunings.Any(t => t.GroupId == label.GroupId && t.ThroughEndedAt >= label.At))
            .Select(label => label.GroupId).Distinct()
            .ToListAsync(cancellationToken);
    }

    public async Task<SkillFeedbackOutcome> RunAsync(Guid groupId, CancellationToken cancellationToken)
    {
        if (models.Tuner is not { } tuner)
        {
            return SkillFeedbackOutcome.NoModelToTune;
        }

        var previous = await context.GroupSkillTunings.FirstOrDefaultAsync(t => t.GroupId == groupId, cancellationToken);
        var finished = await FinishedAsync(groupId, cancellationToken);
        var newest = finished.Count == 0 ? (DateTimeOffset?)null : finished.Max(FeedbackLabels.LabelTime);
        if (newest is not { } through || (previous is not null && through <= previous.ThroughEndedAt))
        {
            return SkillFeedbackOutcome.NothingNew;
        }

        var examples = await ExamplesAsync(finished, cancellationToken);
        if (examples.Count(e => e.Succeeded) < options.CurrentValue.FeedbackMinExamples || tuner.WhyNotTunable(examples) is not null)
        {
            // Not enough to learn from yet: remember how far this run looked, so the fan-out waits for new work
            // (the next run reads the whole history again, these outcomes included).
            return await SaveAsync(groupId, previous, through, report: null, cancellationToken);
        }

        var current = CurrentHead(previous);
        var report = tuner.Tune(examples, current, cancellationToken);
        var outcome = await SaveAsync(groupId, previous, through, report, cancellationToken);
        if (outcome != SkillFeedbackOutcome.NothingNew)
        {
            LogTuned(logger, groupId, report.Examples, report.GroupBefore, report.GroupAfter, report.BaseBefore, report.BaseAfter, report.Adopted);
        }

        return outcome;
    }

    /// <summary>What a run for the group would learn from now: its newest teaching work as examples, oldest label first.</summary>
    public async Task<IReadOnlyList<TuningExample>> ExamplesAsync(Guid groupId, CancellationToken cancellationToken) =>
        await ExamplesAsync(await FinishedAsync(groupId, cancellationToken), cancellationToken);

    /// <summary>
    /// The group's newest teaching assignments, each with its item and the item's attempts (what its label depends on; the
    /// attempts include the assignment itself, a cycle that only an identity-resolving read may hold).
    /// </summary>
    private Task<List<Assignment>> FinishedAsync(Guid groupId, CancellationToken cancellationToken) =>
        context.Assignments.Include(a => a.WorkItem!).ThenInclude(w => w.Assignments).Where(a => a.GroupId == groupId).Where(FeedbackLabels.Teaching)
            .OrderByDescending(FeedbackLabels.LabelledAt).Take(MaxExamples)
            .AsNoTrackingWithIdentityResolution().AsSplitQuery().ToListAsync(cancellationToken);

    /// <summary>
    /// The teaching work as examples, oldest label first, with each accepted item's duration from acceptance to the agent's
    /// result (the <c>work.result</c> event: in groups that require review, the attempt ends only at approval).
    /// </summary>
    private async Task<List<TuningExample>> ExamplesAsync(List<Assignment> finished, CancellationToken cancellationToken)
    {
        var agentIds = finished.Select(a => a.AgentId!.Value).ToHashSet();
        var agents = await context.Agents.Include(a => a.Skills).Where(a => agentIds.Contains(a.Id)).AsNoTracking()
            .ToDictionaryAsync(a => a.Id, AssignmentCandidates.ToProfile, cancellationToken);
        var accepted = finished.Where(a => a.Outcome == AssignmentOutcome.Completed).Select(a => a.WorkItemId).ToHashSet();
        var results = (await context.TrailEvents.AsNoTracking()
                .Where(e => e.Type == TrailEventTypes.Result.Name && e.WorkItemId != null && accepted.Contains(e.WorkItemId.Value))
                .Select(e => new { WorkItemId = e.WorkItemId!.Value, e.AgentId, e.At })
                .ToListAsync(cancellationToken))
            .ToLookup(e => (e.WorkItemId, e.AgentId));
        double? Duration(Assignment a)
        {
            if (a.Outcome != AssignmentOutcome.Completed || a.AcceptedAt is not { } start)
            {
                return null;
            }

            // The attempt's own result: the last one the agent sent between accepting and the attempt's end.
            var result = results[(a.WorkItemId, a.AgentId)].Where(e => e.At >= start && e.At <= a.EndedAt).Select(e => (DateTimeOffset?)e.At).Max();
            return result is { } at ? (at - start).TotalSeconds : null;
        }

        return finished.Where(a => agents.ContainsKey(a.AgentId!.Value))
            .Select(a => new TuningExample(AssignmentCandidates.ToText(a.WorkItem!), agents[a.AgentId!.Value], FeedbackLabels.Fits(a), Duration(a)))
            .Reverse().ToList();
    }

    /// <summary>The group's head, when it has one that is still readable: a new head must do at least as well.</summary>
    private TunedHead? CurrentHead(GroupSkillTuning? previous)
    {
        if (previous?.Head is not { } bytes)
        {
            return null;
        }

        try
        {
            var head = TunedHead.FromSafeTensors(bytes);
            return models.Moe is { } moe && head.BaseFingerprint == moe.BaseHead.BaseFingerprint ? head : null;
        }
        catch (SafeTensorsFormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Saves the run; when another run of the same group saved first (two jobs for one group, on two workers), this one
    /// yields and reports nothing new.
    /// </summary>
    private async Task<SkillFeedbackOutcome> SaveAsync(
        Guid groupId, GroupSkillTuning? previous, DateTimeOffset through, TuningReport? report, CancellationToken cancellationToken)
    {
        Record(groupId, previous, report, through);
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return SkillFeedbackOutcome.NothingNew;
        }

        return report is null ? SkillFeedbackOutcome.TooFewExamples : report.Adopted ? SkillFeedbackOutcome.Adopted : SkillFeedbackOutcome.Rejected;
    }

    /// <summary>
    /// Keeps the newest head that passed; a run that adopted nothing only moves the watermark, so the same outcomes
    /// are not tuned on again. A null head means the group has none yet.
    /// </summary>
    private void Record(Guid groupId, GroupSkillTuning? previous, TuningReport? report, DateTimeOffset through)
    {
        var now = time.GetUtcNow();
        var tuning = previous ?? context.GroupSkillTunings.Add(new GroupSkillTuning { GroupId = groupId, TunedAt = now }).Entity;
        tuning.ThroughEndedAt = through;
        if (report is null)
        {
            return;
        }

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

        context.AddTrailEvent(groupId, Caller.Coordinator, TrailEventTypes.ModelTuned, now, new
        {
            adopted = report.Adopted,
            examples = report.Examples,
            members = report.Members,
            validated = report.Validated,
            groupAccuracyBefore = Math.Round(report.GroupBefore, 3),
            groupAccuracyAfter = Math.Round(report.GroupAfter, 3),
            groupAccuracyOfCurrentHead = report.GroupCurrent is { } current ? Math.Round(current, 3) : (double?)null,
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

    /// <summary>Too little accepted work, or all of it by one member; the watermark moves, so only new work brings it back.</summary>
    TooFewExamples,

    Adopted,

    /// <summary>Tuned, but the head lost base skills or routed the group's work worse than the base or current head; the current one stays.</summary>
    Rejected,
}
