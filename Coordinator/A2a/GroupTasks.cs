using ClawGroups.Coordinator.Access;
using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.A2a;

/// <summary>
/// What a client of a group's A2A endpoint may do, as moves on work items: a message creates an item (or steers the one
/// its task id names), a task is read and cancelled as its item is. The rules are the REST API's — these call the same
/// services with the member's own identity — so a call the API would refuse is refused here too.
/// </summary>
public sealed class GroupTasks(ClawDbContext context, WorkItemService workItems, HumanWorkService humanWork)
{
    /// <summary>
    /// Null when the caller may use the group's endpoint: the group answers over A2A (else not found, as if it had no
    /// endpoint) and the caller is one of its people (an agent key is a member's, but agents take work, they do not give it).
    /// </summary>
    public async Task<Failure?> CheckCallerAsync(Caller caller, Guid groupId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!await AnswersAsync(groupId, cancellationToken))
        {
            return Failure.NotFound("A2A agent", groupId);
        }

        return await context.CheckGroupAccessAsync(caller, groupId, cancellationToken) ?? GroupAccess.RequireHuman(caller);
    }

    /// <summary>Whether the group exists, is not archived and has A2A turned on.</summary>
    public Task<bool> AnswersAsync(Guid groupId, CancellationToken cancellationToken)
        => context.Groups.AnyAsync(g => g.Id == groupId && g.A2aEnabled && g.ArchivedAt == null, cancellationToken);

    /// <summary>A new task from the message, or — when it names a task — the message passed to that task's assignee.</summary>
    public async Task<Outcome<WorkItemView>> SendAsync(Caller caller, Guid groupId, Message message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrEmpty(message.TaskId))
        {
            return await workItems.CreateAsync(caller, groupId, GroupTaskMessages.ToWorkItem(message), cancellationToken);
        }

        var task = await GetAsync(caller, groupId, message.TaskId, cancellationToken);
        if (!task.Succeeded)
        {
            return task;
        }

        if (GroupTaskStates.Of(WorkItemStates.Parse(task.Value!.State)).IsTerminal())
        {
            return Failure.Conflict($"Task {message.TaskId} has ended; send a new message without a task id to start another.");
        }

        var steered = await humanWork.MessageAsync(caller, task.Value.Id, new MessageRequest(GroupTaskMessages.Text(message)), cancellationToken);
        return steered.Succeeded ? await GetAsync(caller, groupId, message.TaskId, cancellationToken) : steered.Failure!;
    }

    /// <summary>The item a task id names, when it is one of this group's.</summary>
    public async Task<Outcome<WorkItemView>> GetAsync(Caller caller, Guid groupId, string? taskId, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(taskId, out var id))
        {
            return Failure.NotFound("task", Guid.Empty) with { Detail = $"There is no task with id '{taskId}'." };
        }

        var item = await workItems.GetAsync(caller, id, cancellationToken);
        return item.Succeeded && item.Value!.GroupId != groupId ? Failure.NotFound("task", id) : item;
    }

    public async Task<Outcome<WorkItemView>> CancelAsync(Caller caller, Guid groupId, string? taskId, CancellationToken cancellationToken)
    {
        var task = await GetAsync(caller, groupId, taskId, cancellationToken);
        return task.Succeeded ? await humanWork.CancelAsync(caller, task.Value!.Id, cancellationToken) : task;
    }
}
