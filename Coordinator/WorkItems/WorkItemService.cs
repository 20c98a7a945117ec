using System.Text.Json;
using ClawGroups.Coordinator.Access;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.WorkItems;

/// <summary>Writing work items (creating, editing) and reading them back: the board, the drawer and the API's reads.</summary>
public sealed class WorkItemService(ClawDbContext context, WorkItemLifecycle lifecycle)
{
    public const int MaxListSize = 1000;

    public async Task<Outcome<WorkItemView>> CreateAsync(Caller caller, Guid groupId, CreateWorkItemRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if ((GroupAccess.RequireHuman(caller) ?? await context.CheckGroupAccessAsync(caller, groupId, cancellationToken)) is { } denied)
        {
            return denied;
        }

        var errors = new Dictionary<string, string[]>();
        var title = request.Title?.Trim();
        WorkItemFields.Check(title, request.Description, request.RequiredSkills, request.Priority, errors);
        var dependsOn = (request.DependsOn ?? []).Distinct().ToList();
        var dependencies = await context.WorkItems.Where(w => dependsOn.Contains(w.Id)).Select(w => new { w.Id, w.GroupId, w.State }).ToListAsync(cancellationToken);
        foreach (var missing in dependsOn.Except(dependencies.Where(d => d.GroupId == groupId).Select(d => d.Id)))
        {
            errors["dependsOn"] = [$"dependsOn names {missing}, which is not a work item of this group."];
        }

        if (request.ParentId is { } parentId && !await context.WorkItems.AnyAsync(w => w.Id == parentId && w.GroupId == groupId, cancellationToken))
        {
            errors["parentId"] = [$"parentId {parentId} is not a work item of this group."];
        }

        MemberKind? askedKind = request.AssigneeKind switch
        {
            null => null,
            MemberKinds.Human => MemberKind.Human,
            MemberKinds.Agent => MemberKind.Agent,
            _ => null,
        };
        if (request.AssigneeKind is not null && askedKind is null)
        {
            errors["assigneeKind"] = ["assigneeKind must be \"human\" or \"agent\" (or left out: whoever fits best)."];
        }

        if (!WorkItemKinds.TryParseCreatable(request.Kind, out var kind))
        {
            errors["kind"] = ["kind is task (the default) or goal."];
        }

        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }

        var now = lifecycle.Now;
        var item = new WorkItem
        {
            Id = Guid.CreateVersion7(now),
            GroupId = groupId,
            ParentId = request.ParentId,
            Title = title!,
            Description = request.Description?.Trim() ?? "",
            Kind = kind,
            RequiredSkills = request.RequiredSkills is { Count: > 0 } skills ? WorkItemFields.Skills(skills) : Goals.GoalRouting.DefaultSkills(kind),
            Priority = request.Priority ?? 0,
            AskedAssigneeKind = askedKind,
            // A new item cannot close a cycle: it depends only on items that exist already.
            State = dependencies.All(d => d.State == WorkItemState.Done) ? WorkItemState.Ready : WorkItemState.Backlog,
            StateChangedAt = now,
            CreatedByKind = caller.Kind,
            CreatedById = caller.Id,
            CreatedAt = now,
            UpdatedAt = now,
        };
        item.DependsOn.AddRange(dependsOn.Select(id => new WorkItemDependency { WorkItemId = item.Id, DependsOnId = id }));
        context.WorkItems.Add(item);
        // Read once, soon, so that every pass over the item only compares vectors.
        lifecycle.TextWritten(item);
        context.AddTrailEvent(groupId, caller, TrailEventTypes.Created, now,
            new { item.Title, state = WorkItemStates.ApiName(item.State), item.RequiredSkills, item.Priority, dependsOn, kind = WorkItemKinds.ApiName(kind) }, item.Id);
        lifecycle.AssignmentNeeded(groupId);
        await lifecycle.SaveAsync(cancellationToken);
        return await context.ToViewAsync(item, cancellationToken);
    }

    /// <summary>
    /// A person rewrites an item no member holds (backlog, ready, stalled or failed; a member at work is not changed under
    /// it). New text is read again, and a question about who should take it is withdrawn: it was asked of the old text.
    /// </summary>
    public async Task<Outcome<WorkItemView>> EditAsync(Caller caller, Guid id, EditWorkItemRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (item, denied) = GroupAccess.RequireHuman(caller) is { } notHuman ? (null, notHuman) : await VisibleItemAsync(caller, id, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        if (item!.State is not (WorkItemState.Backlog or WorkItemState.Ready or WorkItemState.Stalled or WorkItemState.Failed))
        {
            return Failure.Conflict(
                $"The work item is {WorkItemStates.ApiName(item.State)}: only work no member holds can be edited. Take it over or hand it back first.",
                new Dictionary<string, object?> { ["state"] = WorkItemStates.ApiName(item.State) });
        }

        var errors = new Dictionary<string, string[]>();
        var title = request.Title?.Trim() ?? item.Title;
        WorkItemFields.Check(title, request.Description, request.RequiredSkills, request.Priority, errors);
        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }

        var (description, skills) = (request.Description?.Trim() ?? item.Description, request.RequiredSkills is { } given ? WorkItemFields.Skills(given) : item.RequiredSkills);
        var reworded = title != item.Title || description != item.Description || !skills.SequenceEqual(item.RequiredSkills);
        (item.Title, item.Description, item.RequiredSkills, item.Priority) = (title, description, skills, request.Priority ?? item.Priority);
        if (reworded)
        {
            lifecycle.TextWritten(item);
        }

        RoutingHold.Release(item);
        item.UpdatedAt = lifecycle.Now;
        context.AddTrailEvent(item.GroupId, caller, TrailEventTypes.Edited, lifecycle.Now, new { item.Title, item.RequiredSkills, item.Priority, reworded }, item.Id);
        lifecycle.AssignmentNeeded(item.GroupId);
        await lifecycle.SaveAsync(cancellationToken);
        return await context.ToViewAsync(item, cancellationToken);
    }

    private static readonly WorkItemState[] Finished = [WorkItemState.Done, WorkItemState.Cancelled];

    public async Task<Outcome<IReadOnlyList<WorkItemView>>> ListAsync(Caller caller, Guid groupId, string? state, CancellationToken cancellationToken)
    {
        if (await context.CheckGroupAccessAsync(caller, groupId, cancellationToken) is { } denied)
        {
            return denied;
        }

        var query = context.WorkItems.AsNoTracking().Where(w => w.GroupId == groupId);
        if (state is not null)
        {
            if (!WorkItemStates.TryParse(state, out var parsed))
            {
                return Failure.Invalid("state", "state must be one of: backlog, ready, assigned, inProgress, inReview, done, stalled, failed, cancelled.");
            }

            query = query.Where(w => w.State == parsed);
        }

        if (caller.IsAgent)
        {
            // An agent sees its own work only.
            query = query.Where(w => w.AssigneeAgentId == caller.Id || w.Assignments.Any(a => a.AgentId == caller.Id));
        }

        var items = await query.Include(w => w.DependsOn).Include(w => w.Assignments).Include(w => w.Artifacts).AsSplitQuery()
            .OrderByDescending(w => w.Priority).ThenBy(w => w.CreatedAt).Take(MaxListSize).ToListAsync(cancellationToken);
        var names = await context.MemberNamesAsync(
            items.SelectMany(i => i.Assignments.Select(a => a.AgentId).Append(i.AssigneeAgentId)),
            items.SelectMany(i => i.Assignments.Select(a => a.UserId).Append(i.AssigneeUserId)), cancellationToken);
        return items.Select(i => i.ToView(names)).ToList();
    }

    /// <summary>
    /// What a group's board shows: every open item (a twelve-hour swarm holds thousands) and the newest
    /// <paramref name="finishedLimit"/> finished ones, with how many finished ones were left out.
    /// </summary>
    public async Task<Outcome<BoardView>> BoardAsync(Caller caller, Guid groupId, int finishedLimit, CancellationToken cancellationToken)
    {
        if ((GroupAccess.RequireHuman(caller) ?? await context.CheckGroupAccessAsync(caller, groupId, cancellationToken)) is { } denied)
        {
            return denied;
        }

        var open = await context.WorkItems.Where(w => w.GroupId == groupId && !Finished.Contains(w.State)).ToListAsync(cancellationToken);
        var finished = context.WorkItems.Where(w => w.GroupId == groupId && Finished.Contains(w.State));
        var newest = await finished.OrderByDescending(w => w.StateChangedAt).Take(finishedLimit).ToListAsync(cancellationToken);
        var hidden = Math.Max(0, await finished.CountAsync(cancellationToken) - newest.Count);
        var items = open.Concat(newest).ToList();
        var ids = items.Select(i => i.Id).ToList();
        await context.Assignments.Where(a => a.GroupId == groupId && ids.Contains(a.WorkItemId)).LoadAsync(cancellationToken);
        var names = await context.LoadForViewsAsync(items, cancellationToken);
        return new BoardView(items.Select(i => i.ToView(names)).ToList(), hidden);
    }

    public async Task<Outcome<WorkItemView>> GetAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var (item, denied) = await VisibleItemAsync(caller, id, cancellationToken);
        return denied ?? (Outcome<WorkItemView>)await context.ToViewAsync(item!, cancellationToken);
    }

    public async Task<Outcome<IReadOnlyList<TrailEventView>>> EventsAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var (_, denied) = await VisibleItemAsync(caller, id, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        var events = await context.TrailEvents.AsNoTracking().Where(e => e.WorkItemId == id).OrderBy(e => e.Id).ToListAsync(cancellationToken);
        return events.Select(e => e.ToView()).ToList();
    }

    /// <summary>The item when the caller may see it: a human of its group, or an agent that has worked on it.</summary>
    public async Task<(WorkItem? Item, Failure? Denied)> VisibleItemAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var item = await context.LoadWorkItemAsync(id, cancellationToken);
        if (item is null)
        {
            return (null, Failure.NotFound("work item", id));
        }

        if (await context.CheckGroupAccessAsync(caller, item.GroupId, cancellationToken) is { } denied)
        {
            return (null, denied);
        }

        if (caller.IsAgent && item.Assignments.All(a => a.AgentId != caller.Id))
        {
            return (null, Failure.Forbidden("This work item is not assigned to you."));
        }

        return (item, null);
    }
}
