using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Web.Components.Board;

namespace ClawGroups.Web.Components.Workspace;

/// <summary>
/// The moves a person makes from the board and the drawer, each one call of the same coordinator service the
/// API uses, so a move is checked and recorded the same way wherever it is made.
/// </summary>
public sealed class WorkItemCommands(WorkspaceSession session)
{
    public Task<Outcome<WorkItemView>> RunAsync(BoardAction action, Guid id) => action switch
    {
        BoardAction.TakeOver => TakeOverAsync(id),
        BoardAction.HandBack => HandBackAsync(id, null, null),
        BoardAction.Complete => CompleteAsync(id, "Completed on the board."),
        BoardAction.Approve => ReviewAsync(id, approve: true, feedback: null),
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Dropping a card where it is asks for nothing."),
    };

    public Task<Outcome<WorkItemView>> CreateAsync(Guid groupId, CreateWorkItemRequest request)
        => session.RunAsync<WorkItemService, WorkItemView>((s, caller, ct) => s.CreateAsync(caller, groupId, request, ct));

    public Task<Outcome<WorkItemView>> TakeOverAsync(Guid id) => Human((s, caller, ct) => s.TakeOverAsync(caller, id, ct));

    public Task<Outcome<WorkItemView>> HandBackAsync(Guid id, string? note, bool? sameMember)
        => Human((s, caller, ct) => s.HandBackAsync(caller, id, new HandBackRequest(note, sameMember), ct));

    public Task<Outcome<WorkItemView>> CompleteAsync(Guid id, string? summary)
        => Human((s, caller, ct) => s.CompleteAsync(caller, id, new CompleteRequest(summary), ct));

    public Task<Outcome<WorkItemView>> ReassignAsync(Guid id, Guid memberId, string? note = null)
        => Human((s, caller, ct) => s.ReassignAsync(caller, id, new ReassignRequest(memberId, note), ct));

    public Task<Outcome<WorkItemView>> ReviewAsync(Guid id, bool approve, string? feedback, bool? sameMember = null)
        => Human((s, caller, ct) => s.ReviewAsync(caller, id, new ReviewRequest(approve, feedback, sameMember), ct));

    public Task<Outcome<WorkItemView>> CancelAsync(Guid id) => Human((s, caller, ct) => s.CancelAsync(caller, id, ct));

    public Task<Outcome<WorkItemView>> RetryAsync(Guid id) => Human((s, caller, ct) => s.RetryAsync(caller, id, ct));

    public Task<Outcome<WorkItemView>> PauseAsync(Guid id) => Human((s, caller, ct) => s.PauseAsync(caller, id, ct));

    public Task<Outcome<WorkItemView>> ResumeAsync(Guid id) => Human((s, caller, ct) => s.ResumeAsync(caller, id, ct));

    public Task<Outcome<TrailEventView>> MessageAsync(Guid id, string text)
        => session.RunAsync<HumanWorkService, TrailEventView>((s, caller, ct) => s.MessageAsync(caller, id, new MessageRequest(text), ct));

    public Task<Outcome<IReadOnlyList<TrailEventView>>> EventsAsync(Guid id)
        => session.RunAsync<WorkItemService, IReadOnlyList<TrailEventView>>((s, caller, ct) => s.EventsAsync(caller, id, ct));

    private Task<Outcome<WorkItemView>> Human(Func<HumanWorkService, Caller, CancellationToken, Task<Outcome<WorkItemView>>> action)
        => session.RunAsync(action);
}
