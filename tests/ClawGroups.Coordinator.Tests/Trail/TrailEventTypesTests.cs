using ClawGroups.Coordinator.Trail;
using ClawGroups.Data.Trail;

namespace ClawGroups.Coordinator.Tests.Trail;

public sealed class TrailEventTypesTests
{
    [Fact]
    public void The_stored_names_are_the_ones_agents_and_stored_rows_already_know()
    {
        // The API contract (docs/API.md) and the rows already stored name these; renaming one is a breaking change.
        string[] names =
        [
            "work.created", "work.edited", "work.ready", "work.assigned", "review.assigned", "work.needsRouting",
            "work.accepted", "work.declined", "work.attemptFailed", "work.questionAsked", "work.progress", "work.message", "work.result", "work.lateResult",
            "work.lateResultAccepted", "work.takenOver", "work.handedBack", "work.paused", "work.resumed", "work.pinged",
            "work.stalled", "work.failed", "work.completed", "work.approved", "work.rejected", "work.retried",
            "work.cancelled", "work.released", "agent.registered", "agent.keyRotated", "agent.revoked", "agent.stalled", "agent.signedOff",
            "agent.returned", "agent.unreachable", "agent.reachable", "group.created", "group.updated", "member.joined",
            "invite.created", "joinToken.created", "model.tuned", "budget.warning", "budget.exceeded", "breaker.tripped",
            "breaker.released", "goal.planned", "goal.planApproved", "goal.planRejected", "goal.consolidating", "goal.consolidated",
            "goal.decided", "goal.needsDecision",
        ];

        Assert.Equal(names.Order(StringComparer.Ordinal), TrailEventTypes.All.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_type_fits_the_stored_column()
        => Assert.All(TrailEventTypes.All, t => Assert.InRange(t.Name.Length, 1, TrailEvent.MaxTypeLength));
}
