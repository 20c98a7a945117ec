using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Budgets;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.Trail;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Budgets;

/// <summary>
/// Holds a group's spend to its budgets where spend happens: an agent's usage report. Past 80 % of a budget it warns the
/// group's people once (trail <c>budget.warning</c>, pushed live like every event); at 100 % the stop is hard — the items
/// under that budget are paused (<c>pausedReason: "budget"</c>, the agent gets <c>work.paused</c> with reason <c>budget</c>)
/// and <see cref="OfferGate"/> makes no new offers under it. Raising the budget resumes what it stopped. Nothing here saves:
/// the report's save commits the pauses with the usage that caused them.
/// </summary>
public sealed class BudgetGate(ClawDbContext context, WorkItemLifecycle lifecycle)
{
    /// <summary>The <c>pausedReason</c> of an item a budget stopped.</summary>
    public const string PausedReason = "budget";

    private static readonly WorkItemState[] Stoppable = [WorkItemState.Assigned, WorkItemState.InProgress, WorkItemState.InReview];

    /// <summary>The alerts raised in this unit of work, each with its trail event; written by <see cref="SaveAsync"/>.</summary>
    private readonly List<(BudgetAlert Alert, TrailEvent Event)> _raised = [];

    /// <summary>
    /// Weighs the attempt's usage, just reported and not saved yet, against every budget it counts under: the item's, its
    /// agent's for today, the group's for this month.
    /// </summary>
    public async Task AfterUsageAsync(WorkItem item, Assignment attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(attempt);
        var budgets = await context.Groups.AsNoTracking().Where(g => g.Id == item.GroupId).Select(g => g.Budgets).SingleAsync(cancellationToken);
        var lines = BudgetLine.Of(budgets);
        if (lines.Count == 0)
        {
            return;
        }

        var now = lifecycle.Now;
        var reported = BudgetSpend.OfUsage(attempt.Usage);
        Spend? group = null, agent = null;
        foreach (var line in lines)
        {
            Spend spend;
            switch (line.Scope)
            {
                case BudgetScope.Item:
                    spend = BudgetSpend.OfItem(item);
                    break;
                case BudgetScope.Agent when attempt.AgentId is { } agentId:
                    var today = BudgetPeriods.DayStart(now);
                    agent ??= (await BudgetSpend.OfAgentsAsync(context, item.GroupId, today, attempt.Id, cancellationToken, agentId)).GetValueOrDefault(agentId)
                              + (attempt.OfferedAt >= today ? reported : default);
                    spend = agent.Value;
                    break;
                case BudgetScope.Group:
                    var month = BudgetPeriods.MonthStart(now);
                    group ??= await BudgetSpend.OfGroupAsync(context, item.GroupId, month, attempt.Id, cancellationToken) + (attempt.OfferedAt >= month ? reported : default);
                    spend = group.Value;
                    break;
                default:
                    continue;
            }

            await WeighAsync(line, spend, item, attempt.AgentId, cancellationToken);
        }
    }

    /// <summary>
    /// After a person changed the group's budgets: items a budget had stopped resume where no budget still stops them, and the
    /// coordinator is asked to offer work again. Returns how many resumed.
    /// </summary>
    public async Task<int> ResumeWithinBudgetsAsync(Guid groupId, GroupBudgets budgets, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(budgets);
        ArgumentNullException.ThrowIfNull(caller);
        var stopped = await context.WorkItems.Include(w => w.Assignments)
            .Where(w => w.GroupId == groupId && w.PausedAt != null && w.PausedReason == PausedReason)
            .ToListAsync(cancellationToken);
        lifecycle.AssignmentNeeded(groupId);
        if (stopped.Count == 0)
        {
            return 0;
        }

        var now = lifecycle.Now;
        var lines = BudgetLine.Of(budgets);
        var group = await BudgetSpend.OfGroupAsync(context, groupId, BudgetPeriods.MonthStart(now), null, cancellationToken);
        var agents = await BudgetSpend.OfAgentsAsync(context, groupId, BudgetPeriods.DayStart(now), null, cancellationToken);
        var resumed = 0;
        foreach (var item in stopped)
        {
            var stillStopped = lines.Any(line => line.Scope switch
            {
                BudgetScope.Item => line.Exceeded(BudgetSpend.OfItem(item)),
                BudgetScope.Agent => item.AssigneeAgentId is { } agentId && line.Exceeded(agents.GetValueOrDefault(agentId)),
                _ => line.Exceeded(group),
            });
            if (stillStopped)
            {
                continue;
            }

            (item.PausedAt, item.PausedReason, item.UpdatedAt) = (null, null, now);
            if (item.Assignments.FirstOrDefault(a => a.Id == item.CurrentAssignmentId) is { } current)
            {
                // Time spent stopped is not time without progress.
                current.LastProgressAt = now;
            }

            context.AddTrailEvent(groupId, caller, TrailEventTypes.Resumed, now, new { reason = PausedReason }, item.Id, item.AssigneeAgentId);
            if (item.AssigneeAgentId is { } holder && await context.Agents.FindAsync([holder], cancellationToken) is { } agent)
            {
                lifecycle.Tell(agent, AgentMessageTypes.Resumed, new { workItemId = item.Id, reason = PausedReason }, item.Id);
            }

            resumed++;
        }

        return resumed;
    }

    /// <summary>
    /// Commits the caller's unit of work with what the gate changed, then wakes the jobs it concerns. The alerts raised are
    /// written first, in the same transaction, each at most once (<see cref="InsertUnlessPresent.InsertUnlessPresentAsync{TEntity}"/>: the unique index on group, key and level decides): when two
    /// reports cross the same line at once, the one whose alert is already there drops its warning or stop event and saves
    /// the rest — its usage and its pauses — as usual, with no failed insert for EF to log.
    /// </summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        // Only alerts whose events are still to be saved: a retry that cleared the unit of work raises them afresh.
        var raised = _raised.Where(r => context.Entry(r.Event).State == EntityState.Added).ToList();
        _raised.Clear();
        if (raised.Count == 0)
        {
            await lifecycle.SaveAsync(cancellationToken);
            return;
        }

        await using var transaction = context.Database.CurrentTransaction is null ? await context.Database.BeginTransactionAsync(cancellationToken) : null;
        foreach (var (alert, raisedEvent) in raised)
        {
            if (!await context.InsertUnlessPresentAsync(alert, cancellationToken))
            {
                context.Entry(raisedEvent).State = EntityState.Detached;
            }
        }

        await lifecycle.SaveAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private async Task WeighAsync(BudgetLine line, Spend spend, WorkItem item, Guid? agentId, CancellationToken cancellationToken)
    {
        if (line.Exceeded(spend))
        {
            await AlertAsync(line, spend, BudgetAlertLevel.Stop, item, agentId, cancellationToken);
            await StopAsync(line, item, agentId, cancellationToken);
        }
        else if (line.Share(spend) >= BudgetLine.WarningShare)
        {
            await AlertAsync(line, spend, BudgetAlertLevel.Warning, item, agentId, cancellationToken);
        }
    }

    /// <summary>Writes the warning or the stop once per budget, scope, period and limit.</summary>
    private async Task AlertAsync(BudgetLine line, Spend spend, BudgetAlertLevel level, WorkItem item, Guid? agentId, CancellationToken cancellationToken)
    {
        var now = lifecycle.Now;
        var scopeId = line.Scope switch { BudgetScope.Item => item.Id, BudgetScope.Agent => agentId!.Value, _ => item.GroupId };
        var period = BudgetPeriods.Name(line.Scope, now);
        var key = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{line.Name}:{scopeId:N}:{period}:{line.Limit}");
        if (_raised.Any(r => r.Alert.GroupId == item.GroupId && r.Alert.Key == key && r.Alert.Level == level && context.Entry(r.Event).State == EntityState.Added)
            || await context.BudgetAlerts.AnyAsync(a => a.GroupId == item.GroupId && a.Key == key && a.Level == level, cancellationToken))
        {
            return;
        }

        var alert = new BudgetAlert { Id = Guid.CreateVersion7(now), GroupId = item.GroupId, Key = key, Level = level, At = now };
        var raisedEvent = context.AddTrailEvent(item.GroupId, Caller.Coordinator, level == BudgetAlertLevel.Stop ? TrailEventTypes.BudgetExceeded : TrailEventTypes.BudgetWarning, now,
            new
            {
                budget = line.Name,
                scope = line.Scope.ToString().ToLowerInvariant(),
                spent = line.Counted(spend),
                limit = line.Limit,
                share = Math.Round(line.Share(spend), 3),
                period,
            },
            line.Scope == BudgetScope.Item ? item.Id : null,
            line.Scope == BudgetScope.Group ? null : agentId);
        _raised.Add((alert, raisedEvent));
    }

    /// <summary>Pauses the items the exceeded budget covers that an agent holds: the item, the agent's, or the group's.</summary>
    private async Task StopAsync(BudgetLine line, WorkItem item, Guid? agentId, CancellationToken cancellationToken)
    {
        var covered = new List<WorkItem> { item };
        if (line.Scope != BudgetScope.Item)
        {
            var held = context.WorkItems.Where(w => w.GroupId == item.GroupId && w.AssigneeAgentId != null && w.PausedAt == null
                                                    && (w.State == WorkItemState.Assigned || w.State == WorkItemState.InProgress));
            if (line.Scope == BudgetScope.Agent)
            {
                held = held.Where(w => w.AssigneeAgentId == agentId);
            }

            covered.AddRange((await held.ToListAsync(cancellationToken)).Where(w => w != item));
        }

        foreach (var stopped in covered.Where(w => w.PausedAt is null && w.AssigneeAgentId is not null && Stoppable.Contains(w.State)))
        {
            var now = lifecycle.Now;
            (stopped.PausedAt, stopped.PausedReason, stopped.UpdatedAt) = (now, PausedReason, now);
            context.AddTrailEvent(stopped.GroupId, Caller.Coordinator, TrailEventTypes.Paused, now, new { reason = PausedReason, budget = line.Name },
                stopped.Id, stopped.AssigneeAgentId);
            if (await context.Agents.FindAsync([stopped.AssigneeAgentId!.Value], cancellationToken) is { } holder)
            {
                lifecycle.Tell(holder, AgentMessageTypes.Paused, new { workItemId = stopped.Id, reason = PausedReason, budget = line.Name }, stopped.Id);
            }
        }
    }
}
