using System.Linq.Expressions;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Learning;

/// <summary>
/// Which of a group's assignments teach its skill model, whether each says its agent fits the item, and since when. The
/// feedback job's fan-out and a group's run use this one rule.
/// <list type="bullet">
/// <item>Finished work: accepted (completed, the item done) says the agent fits; rejected, stalled, failed or declined says it does not.</item>
/// <item>A person's correction: the member a person gave the item to (a reassignment, or a pick among a held item's candidates)
/// fits, from the moment of the choice; the member it was taken from, when one had it, does not.</item>
/// <item>Declined, then accepted by another member: the member that accepted fits, from the moment it accepts.</item>
/// <item>Steered away from (decision 0024): an attempt whose rejection, hand-back, decline or reassignment sent the item on
/// to another member does not fit — one rule for a reject, a hand-back after a takeover and a reassign, with or without a
/// note. A note that asked for the same member steers nothing, and says nothing beyond its outcome.</item>
/// </list>
/// A later ending that says the fit was wrong (rejected, stalled, failed, declined, steered away from, or taken away by a
/// person) overrides an earlier positive. Revoked, taken-over, cancelled and handed-back attempts say nothing by themselves.
/// </summary>
internal static class FeedbackLabels
{
    private static readonly AssignmentOutcome[] NotAccepted =
        [AssignmentOutcome.Rejected, AssignmentOutcome.Stalled, AssignmentOutcome.Failed, AssignmentOutcome.Declined];

    public static readonly Expression<Func<Assignment, bool>> Teaching = a =>
        a.Role == AssignmentRole.Work && a.AgentId != null
        && ((a.EndedAt != null && ((a.Outcome == AssignmentOutcome.Completed && a.WorkItem!.State == WorkItemState.Done) || NotAccepted.Contains(a.Outcome) || a.SteeredAway))
            || a.ChosenByUserId != null
            // Taken away by a person: the item's next turn, opened as this one ended, is the person's choice. (By time, not by
            // attempt number: a person's choice does not spend an attempt, so it may carry the same number.)
            || (a.Outcome == AssignmentOutcome.Reassigned
                && a.WorkItem!.Assignments.Any(next => next.Role == AssignmentRole.Work && next.Id != a.Id && next.ChosenByUserId != null && next.OfferedAt >= a.EndedAt))
            || (a.AcceptedAt != null
                && a.WorkItem!.Assignments.Any(d => d.Role == AssignmentRole.Work && d.Outcome == AssignmentOutcome.Declined
                                                     && d.AgentId != null && d.AgentId != a.AgentId && d.OfferedAt < a.OfferedAt)));

    /// <summary>When an assignment's label was last set or changed: its end, else its acceptance, else the offer (a person's pick).</summary>
    public static readonly Expression<Func<Assignment, DateTimeOffset>> LabelledAt = a => a.EndedAt ?? a.AcceptedAt ?? a.OfferedAt;

    /// <summary>Each group's teaching assignments by their label time, for the fan-out to compare with the group's watermark.</summary>
    public static readonly Expression<Func<Assignment, GroupLabel>> GroupLabelOf = a => new GroupLabel { GroupId = a.GroupId, At = a.EndedAt ?? a.AcceptedAt ?? a.OfferedAt };

    private static readonly Func<Assignment, DateTimeOffset> LabelledAtOf = LabelledAt.Compile();

    public static DateTimeOffset LabelTime(Assignment assignment) => LabelledAtOf(assignment);

    /// <summary>
    /// Whether a teaching assignment says its agent fits; needs the assignment's item with the item's assignments. Whatever
    /// admitted it as teaching and does not say otherwise (accepted, a person's pick, accepted after a decline) is a positive.
    /// </summary>
    public static bool Fits(Assignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var takenByPerson = assignment.Outcome == AssignmentOutcome.Reassigned && assignment.WorkItem!.Assignments.Any(next =>
            next.Role == AssignmentRole.Work && next.Id != assignment.Id && next.ChosenByUserId != null && next.OfferedAt >= assignment.EndedAt);
        return !NotAccepted.Contains(assignment.Outcome) && !takenByPerson && !assignment.SteeredAway;
    }

    /// <summary>A teaching assignment's group and label time.</summary>
    public sealed class GroupLabel
    {
        public Guid GroupId { get; init; }

        public DateTimeOffset At { get; init; }
    }
}
