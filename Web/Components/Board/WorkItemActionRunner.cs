using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.WorkItems;
using ClawGroups.Web.Components.Shared;
using ClawGroups.Web.Components.Workspace;
using MudBlazor;

namespace ClawGroups.Web.Components.Board;

/// <summary>
/// Carries out what a person chose in the drawer: asks for what the move needs (a note, feedback, a member),
/// makes the move, and reports a refusal as a readable message. Returns the item as it is after the move.
/// </summary>
public sealed class WorkItemActionRunner(WorkItemCommands commands, IDialogService dialogs, ISnackbar snackbar)
{
    public async Task<WorkItemView?> RunAsync(DrawerAction action, WorkItemView item, IReadOnlyList<MemberView> members, IReadOnlyList<WorkItemView> openItems)
    {
        ArgumentNullException.ThrowIfNull(item);
        switch (action)
        {
            case DrawerAction.TakeOver:
                return Report(await commands.TakeOverAsync(item.Id), "You took it over. The agent was told to stop; its log and artifacts are yours.");
            case DrawerAction.HandBack:
                return await PromptAsync("Hand back", "The coordinator offers it to a different member. Your note is read with the item when it is routed again.",
                        "For whom, or what is missing? (optional)", false, askSameMember: true) is { } handBack
                    ? Report(await commands.HandBackAsync(item.Id, handBack.Text, handBack.SameMember), "Handed back to the coordinator.")
                    : null;
            case DrawerAction.Complete:
                return await PromptAsync("Complete", "Summarise what you did; it becomes the item's result.", "Summary", true, maxLength: WorkItemLimits.MaxSummaryLength) is { } summary
                    ? Report(await commands.CompleteAsync(item.Id, summary.Text), "Completed.")
                    : null;
            case DrawerAction.Approve:
                return Report(await commands.ReviewAsync(item.Id, approve: true, feedback: null), "Approved: the item is done.");
            case DrawerAction.Reject:
                return await PromptAsync("Reject", "The item goes back for another attempt, by default by a different member. Your feedback is read with the item when it is routed again.",
                        "Feedback: what is wrong, for whom, or what is missing", true, Color.Error, askSameMember: true) is { } rejection
                    ? Report(await commands.ReviewAsync(item.Id, approve: false, rejection.Text, rejection.SameMember), "Rejected with feedback.")
                    : null;
            case DrawerAction.Reassign:
                var picked = await dialogs.ShowAsync<MemberPickerDialog>("Reassign to…", new DialogParameters<MemberPickerDialog> { { d => d.Members, members } });
                return await picked.Result is { Canceled: false, Data: ReassignChoice choice }
                    ? Report(await commands.ReassignAsync(item.Id, choice.MemberId, choice.Note), "Reassigned.")
                    : null;
            case DrawerAction.Cancel:
                return await dialogs.ShowMessageBoxAsync("Cancel this work item?", "It stops for good; the agent working on it is told.", yesText: "Cancel item", cancelText: "Keep it") == true
                    ? Report(await commands.CancelAsync(item.Id), "Cancelled.")
                    : null;
            case DrawerAction.Retry:
                return Report(await commands.RetryAsync(item.Id), "Back to ready: the coordinator will offer it again.");
            case DrawerAction.Pause:
                return Report(await commands.PauseAsync(item.Id), "Paused: it keeps its assignee and is never counted as stalled.");
            case DrawerAction.Resume:
                return Report(await commands.ResumeAsync(item.Id), "Resumed.");
            case DrawerAction.Message:
                if (await PromptAsync("Message the assignee", "It reaches whoever holds the item mid-run without stopping the work, and stays in the log.", "Message", true) is { } message)
                {
                    snackbar.ReportFailure(await commands.MessageAsync(item.Id, message.Text));
                }

                return null;
            case DrawerAction.CreateSubItem:
                var created = await dialogs.ShowAsync<CreateWorkItemDialog>("New sub-item", new DialogParameters<CreateWorkItemDialog>
                {
                    { d => d.GroupId, item.GroupId }, { d => d.Parent, item }, { d => d.OpenItems, openItems },
                });
                return await created.Result is { Canceled: false, Data: WorkItemView child } ? child : null;
            default:
                return null;
        }
    }

    /// <summary>Gives an item the coordinator held for a person to one of its candidates: a reassignment, in one click.</summary>
    public async Task<WorkItemView?> GiveAsync(WorkItemView item, RoutingCandidateView candidate)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(candidate);
        return Report(await commands.ReassignAsync(item.Id, candidate.MemberId), $"Given to {candidate.Name}.");
    }

    private WorkItemView? Report(Outcome<WorkItemView> outcome, string success)
    {
        if (!snackbar.ReportFailure(outcome))
        {
            return null;
        }

        snackbar.Add(success, Severity.Success);
        return outcome.Value;
    }

    private async Task<PromptAnswer?> PromptAsync(
        string title, string explanation, string label, bool required, Color color = Color.Primary, int maxLength = WorkItemLimits.MaxNoteLength,
        bool askSameMember = false)
    {
        var dialog = await dialogs.ShowAsync<TextPromptDialog>(title, new DialogParameters<TextPromptDialog>
        {
            { d => d.Explanation, explanation }, { d => d.Label, label }, { d => d.ConfirmText, title },
            { d => d.Required, required }, { d => d.ConfirmColor, color }, { d => d.MaxLength, maxLength }, { d => d.AskSameMember, askSameMember },
        });
        return await dialog.Result is { Canceled: false, Data: PromptAnswer answer } ? answer : null;
    }
}
