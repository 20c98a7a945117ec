using ClawGroups.Coordinator.Access;
using ClawGroups.Coordinator.Breakers;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Goals;

/// <summary>
/// A goal's plan: the planner's answer, a person's approval (as it is or edited) or sending it back, and the goal's shape
/// for the board. One method per door, so the REST endpoint and an MCP tool (<c>propose_plan</c>) call the same rule.
/// While its plan awaits approval and while its sub-items run, a goal waits in backlog: it holds no member's slot and
/// cannot stall (docs/decisions/0030-goals-wait-in-backlog.md).
/// </summary>
public sealed class GoalPlanService(
    ClawDbContext context, WorkItemLifecycle lifecycle, WorkItemService workItems, CreationBreaker creationBreaker)
{
    /// <summary>The member holding a goal answers it with a plan: checked whole, then created or kept for a person's approval.</summary>
    public async Task<Outcome<PlanOutcomeView>> ProposeAsync(Caller caller, Guid goalId, PlanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var (goal, denied) = await workItems.VisibleItemAsync(caller, goalId, cancellationToken);
        if ((denied ?? NotAGoal(goal!)) is { } refused)
        {
            return refused;
        }

        var holds = goal!.CurrentAssignmentId is not null && (caller.IsAgent ? goal.AssigneeAgentId == caller.Id : goal.AssigneeUserId == caller.Id);
        if (!holds)
        {
            return caller.IsAgent
                ? Failure.Forbidden("This goal is not offered to you: only the member holding a goal answers it with a plan.")
                : Failure.Conflict("Only the member holding a goal answers it with a plan: take the goal over to plan it yourself.", StateOf(goal));
        }

        if (WorkItemStateMachine.Target(goal.State, WorkItemMove.Plan) is { Succeeded: false } notNow)
        {
            return goal.State == WorkItemState.Assigned
                ? Failure.Conflict("Accept the goal before answering it with a plan.", StateOf(goal))
                : notNow.Failure!;
        }

        var group = await context.Groups.AsNoTracking().SingleAsync(g => g.Id == goal.GroupId, cancellationToken);
        var (errors, order) = PlanRules.Check(request, MaxItemsOf(group));
        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }

        if (await creationBreaker.CheckPlanAsync(caller, goal, request.Items!, createsNow: !group.RequirePlanApproval, lifecycle.Now, cancellationToken) is { } runaway)
        {
            // Nothing of the plan is created and the goal stays with its planner; only the flag is saved.
            await lifecycle.SaveAsync(cancellationToken);
            return runaway;
        }

        var ended = await lifecycle.EndAttemptAsync(goal, AssignmentOutcome.Completed, cancellationToken);
        WorkItemStateMachine.Apply(goal, WorkItemMove.Plan, lifecycle.Now);
        goal.ProgressFraction = 0;
        goal.ProgressAt = lifecycle.Now;
        if (ended is not null)
        {
            // The goal keeps showing who planned it, holding nothing: its state is not one a member's load counts.
            (goal.AssigneeKind, goal.AssigneeAgentId, goal.AssigneeUserId) = (ended.MemberKind, ended.AgentId, ended.UserId);
        }

        context.AddTrailEvent(goal.GroupId, caller, TrailEventTypes.Planned, lifecycle.Now,
            new { items = order.Count, awaitingApproval = group.RequirePlanApproval }, goal.Id, caller.IsAgent ? caller.Id : null);
        List<WorkItem> created = [];
        if (group.RequirePlanApproval)
        {
            goal.PendingPlanJson = ClawJson.Serialize(order);
        }
        else
        {
            created = await SubItems.CreateAsync(context, lifecycle, goal, order, caller, cancellationToken);
        }

        await lifecycle.SaveAsync(cancellationToken);
        return await OutcomeAsync(group.RequirePlanApproval ? PlanStates.AwaitingApproval : PlanStates.Approved, goal, created, cancellationToken);
    }

    /// <summary>A person approves the plan awaiting approval, or the plan they edited from it (checked again): its sub-items are created.</summary>
    public async Task<Outcome<PlanOutcomeView>> ApproveAsync(Caller caller, Guid goalId, PlanRequest? edited, CancellationToken cancellationToken)
    {
        var (goal, denied) = await PendingGoalAsync(caller, goalId, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        var plan = edited?.Items is not null ? edited : new PlanRequest(PendingPlan.Read(goal!));
        var group = await context.Groups.AsNoTracking().SingleAsync(g => g.Id == goal!.GroupId, cancellationToken);
        var (errors, order) = PlanRules.Check(plan, MaxItemsOf(group));
        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }

        goal!.PendingPlanJson = null;
        goal.UpdatedAt = lifecycle.Now;
        var created = await SubItems.CreateAsync(context, lifecycle, goal, order, caller, cancellationToken);
        context.AddTrailEvent(goal.GroupId, caller, TrailEventTypes.PlanApproved, lifecycle.Now, new { items = created.Count, edited = edited?.Items is not null }, goal.Id);
        await lifecycle.SaveAsync(cancellationToken);
        return await OutcomeAsync(PlanStates.Approved, goal, created, cancellationToken);
    }

    /// <summary>
    /// A person sends the plan back: it is dropped, and the goal is offered again with the feedback, which its planner is
    /// told (<c>work.rejected</c>) and which steers the next offer as a rejected result's feedback does (decision 0024).
    /// </summary>
    public async Task<Outcome<PlanOutcomeView>> RejectAsync(Caller caller, Guid goalId, RejectPlanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Feedback is { Length: > WorkItemLimits.MaxNoteLength })
        {
            return Failure.Invalid("feedback", $"feedback is at most {WorkItemLimits.MaxNoteLength} characters long.");
        }

        var (goal, denied) = await PendingGoalAsync(caller, goalId, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        goal!.PendingPlanJson = null;
        var planner = goal.Assignments.Where(a => a.Role == AssignmentRole.Work && a.Outcome == AssignmentOutcome.Completed).MaxBy(a => a.EndedAt);
        var plannerAgent = planner?.AgentId is { } agentId ? await context.Agents.FindAsync([agentId], cancellationToken) : null;
        if (plannerAgent is not null)
        {
            lifecycle.Tell(plannerAgent, AgentMessageTypes.Rejected, new { workItemId = goal.Id, feedback = request.Feedback }, goal.Id);
        }

        var sameMember = FeedbackSteering.SendOn(lifecycle, goal, planner, plannerAgent?.Name, request.Feedback, sameMember: null);
        (goal.AssigneeKind, goal.AssigneeAgentId, goal.AssigneeUserId) = (null, null, null);
        WorkItemStateMachine.Apply(goal, WorkItemMove.Unblock, lifecycle.Now);
        context.AddTrailEvent(goal.GroupId, caller, TrailEventTypes.PlanRejected, lifecycle.Now, new { request.Feedback, sameMember }, goal.Id);
        lifecycle.AssignmentNeeded(goal.GroupId);
        await lifecycle.SaveAsync(cancellationToken);
        return await OutcomeAsync(PlanStates.Rejected, goal, [], cancellationToken);
    }

    /// <summary>The goal's shape: its plan awaiting approval, its sub-items with their dependencies, its progress and its consolidation.</summary>
    public async Task<Outcome<GoalView>> GetAsync(Caller caller, Guid goalId, CancellationToken cancellationToken)
    {
        var (goal, denied) = await workItems.VisibleItemAsync(caller, goalId, cancellationToken);
        if ((denied ?? NotAGoal(goal!)) is { } refused)
        {
            return refused;
        }

        var subItems = await context.WorkItems.AsNoTracking().Include(w => w.DependsOn).Where(w => w.ParentId == goalId)
            .OrderBy(w => w.CreatedAt).ThenBy(w => w.Id).ToListAsync(cancellationToken);
        var names = await context.MemberNamesAsync(subItems.Select(w => w.AssigneeAgentId), subItems.Select(w => w.AssigneeUserId), cancellationToken);
        return GoalShape.Of(goal!, subItems, names);
    }

    private async Task<(WorkItem? Goal, Failure? Denied)> PendingGoalAsync(Caller caller, Guid goalId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var (goal, denied) = GroupAccess.RequireHuman(caller) is { } notHuman ? (null, notHuman) : await workItems.VisibleItemAsync(caller, goalId, cancellationToken);
        if ((denied ?? NotAGoal(goal!)) is { } refused)
        {
            return (null, refused);
        }

        return goal!.PendingPlanJson is null
            ? (null, Failure.Conflict("No plan of this goal awaits approval.", StateOf(goal)))
            : (goal, null);
    }

    private async Task<Outcome<PlanOutcomeView>> OutcomeAsync(string state, WorkItem goal, List<WorkItem> created, CancellationToken cancellationToken)
    {
        var names = await context.MemberNamesAsync([goal.AssigneeAgentId], [goal.AssigneeUserId], cancellationToken);
        return new PlanOutcomeView(state, created.Select(w => w.ToView(names)).ToList(), await context.ToViewAsync(goal, cancellationToken));
    }

    private static int MaxItemsOf(Group group) => group.MaxPlanItems ?? GroupLimits.DefaultMaxPlanItems;

    private static Failure? NotAGoal(WorkItem item)
        => item.Kind == WorkItemKind.Goal
            ? null
            : Failure.Conflict($"Only a goal has a plan; this work item is a {WorkItemKinds.ApiName(item.Kind)}.", StateOf(item));

    private static Dictionary<string, object?> StateOf(WorkItem item) => new() { ["state"] = WorkItemStates.ApiName(item.State) };
}
