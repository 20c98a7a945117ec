using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Web.Tests.Components;

/// <summary>Work item views as the board receives them, built for component tests.</summary>
internal static class WorkItems
{
    public static readonly Guid Me = Guid.Parse("11111111-1111-1111-1111-111111111111");

    public static readonly MemberRef Agent = new("agent", Guid.Parse("22222222-2222-2222-2222-222222222222"), "pixel");

    public static readonly MemberRef MeAsAssignee = new("human", Me, "Ada Lovelace");

    /// <summary>An item the coordinator held for a person: two agents fit it almost equally.</summary>
    public static readonly RoutingView Held = new(true, 0.02,
    [
        new RoutingCandidateView(Agent.Id, "agent", "pixel", 0.81, "settings page → React UI (frontend); fit 0.81, next best 0.79; load 0/2"),
        new RoutingCandidateView(Guid.Parse("33333333-3333-3333-3333-333333333333"), "agent", "stylist", 0.79, "settings page → CSS (design); fit 0.79, next best 0.81; load 1/2"),
    ]);

    public static WorkItemView Item(
        string state = "ready",
        MemberRef? assignee = null,
        string title = "Build the settings page",
        double fraction = 0,
        string? message = null,
        int attempts = 0,
        bool paused = false,
        IReadOnlyList<string>? skills = null,
        int priority = 0,
        DateTimeOffset? stateChangedAt = null,
        ResultView? result = null,
        IReadOnlyList<AssignmentView>? assignments = null,
        RoutingView? routing = null)
    {
        var at = stateChangedAt ?? DateTimeOffset.UtcNow.AddMinutes(-3);
        return new WorkItemView(
            Guid.NewGuid(), Guid.NewGuid(), null, title, "Make it **fast**.", skills ?? ["react"], priority, state, assignee, attempts,
            new ProgressView(fraction, message, message is null ? null : at), result, [], paused, null, new UsageView(0, 0, 0),
            at, at, at, assignments ?? [], routing);
    }
}
