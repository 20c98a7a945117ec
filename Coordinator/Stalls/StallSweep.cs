using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Jobs;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Stalls;

/// <summary>
/// Finds stalled work and moves it on: agents silent past their heartbeat timeout lose their items; items without
/// progress past the progress timeout, or running far past their expected duration, are pinged first and revoked
/// after a grace period. Paused items are never stalled. Everything it decides comes from the database, so after a
/// crash or restart the next sweep reconciles whatever leases were left open.
/// </summary>
public sealed partial class StallSweep(
    ClawDbContext context,
    WorkItemLifecycle lifecycle,
    Bulkheads bulkheads,
    ProcessStart processStart,
    IOptionsMonitor<CoordinatorOptions> options,
    TimeProvider time,
    ILogger<StallSweep> logger)
{
    public const string WorkName = "Stall sweep";

    /// <summary>Sweeps each group that has suspects on its own: a group whose data breaks the sweep does not stop the others'.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var defaults = options.CurrentValue;
        var moved = 0;
        foreach (var groupId in await GroupsWithSuspectsAsync(now, cancellationToken))
        {
            await bulkheads.RunAsync(WorkName, groupId, async () => moved += await SweepGroupAsync(groupId, now, defaults, cancellationToken), cancellationToken);
            context.ChangeTracker.Clear();
        }

        return moved;
    }

    /// <summary>Only ids: reading whole rows here would let one unreadable row fail the sweep for every group.</summary>
    private async Task<List<Guid>> GroupsWithSuspectsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var quietSince = now - StallSuspects.ShortestTimeout;
        var silent = await context.Agents
            .Where(a => (a.Status == AgentStatus.Online || a.Status == AgentStatus.Busy) && a.LastHeartbeatAt < quietSince)
            .Select(a => a.GroupId).Distinct().ToListAsync(cancellationToken);
        var running = await StallSuspects.RunningWork(context, quietSince).Select(w => w.GroupId).Distinct().ToListAsync(cancellationToken);
        return silent.Union(running).ToList();
    }

    private async Task<int> SweepGroupAsync(Guid groupId, DateTimeOffset now, CoordinatorOptions defaults, CancellationToken cancellationToken)
    {
        // Judged first, untracked and outside any transaction: most sweeps find nothing to do, and a transaction on the
        // embedded default holds SQLite's one write turn from its start.
        var suspects = await StallSuspects.FindAsync(context, groupId, now, defaults, processStart.At, cancellationToken);
        if (suspects.None)
        {
            return 0;
        }

        // One transaction: an agent is marked silent only together with the revocation of its work.
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var moved = await SweepSilentAgentsAsync(groupId, suspects.SilentAgents, now, defaults, cancellationToken);
        moved += await SweepSlowWorkAsync(groupId, suspects.SlowItems, now, defaults, cancellationToken);
        try
        {
            await lifecycle.SaveAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another worker's sweep, or the agent itself, changed these items first; the next sweep looks again.
            LogLostRace(logger);
            return 0;
        }

        return moved;
    }

    private DateTimeOffset Since(DateTimeOffset? lastSign) => StallSuspects.SignSince(lastSign, processStart.At);

    /// <summary>The agents judged silent before the transaction, read again tracked and judged again.</summary>
    private async Task<int> SweepSilentAgentsAsync(
        Guid groupId, IReadOnlyList<Guid> silentAgents, DateTimeOffset now, CoordinatorOptions defaults, CancellationToken cancellationToken)
    {
        if (silentAgents.Count == 0)
        {
            return 0;
        }

        var suspectedBefore = now - StallSuspects.ShortestTimeout;
        var suspects = await context.Agents.Include(a => a.Group)
            .Where(a => a.GroupId == groupId && silentAgents.Contains(a.Id)
                        && (a.Status == AgentStatus.Online || a.Status == AgentStatus.Busy) && a.LastHeartbeatAt < suspectedBefore)
            .ToListAsync(cancellationToken);
        var moved = 0;
        foreach (var agent in suspects)
        {
            var policy = StallPolicy.For(defaults, agent.Group?.Thresholds, agent.Thresholds);
            var silentSince = now - policy.HeartbeatTimeout;
            if (Since(agent.LastHeartbeatAt) >= silentSince)
            {
                continue;
            }

            // Heartbeats are set-based writes that do not touch the concurrency token, so the row read above may
            // already be stale: mark the agent only if it is still silent. A heartbeat landing after this waits
            // for the sweep's commit and then brings the agent back.
            var stillSilent = await context.Agents
                .Where(a => a.Id == agent.Id && (a.Status == AgentStatus.Online || a.Status == AgentStatus.Busy) && a.LastHeartbeatAt < silentSince)
                .ExecuteUpdateAsync(set => set.SetProperty(a => a.Status, AgentStatus.Stalled).SetProperty(a => a.Version, a => a.Version + 1),
                    cancellationToken) > 0;
            if (!stillSilent)
            {
                continue;
            }

            // The version moves with the status, so that a pass that read the agent online cannot write "online" back
            // over the stall. The tracked row follows (and is saved once more, for the live roster to hear of it).
            var version = context.Entry(agent).Property(a => a.Version);
            version.OriginalValue = version.CurrentValue = agent.Version + 1;
            agent.Status = AgentStatus.Stalled;
            context.AddTrailEvent(agent.GroupId, Caller.Coordinator, TrailEventTypes.AgentStalled, now,
                new { agent.Name, lastHeartbeatAt = agent.LastHeartbeatAt, timeoutSeconds = policy.HeartbeatTimeout.TotalSeconds }, agentId: agent.Id);
            var items = await context.WorkItems.Include(w => w.Assignments)
                .Where(w => w.AssigneeAgentId == agent.Id && (w.State == WorkItemState.Assigned || w.State == WorkItemState.InProgress) && w.PausedAt == null)
                .ToListAsync(cancellationToken);
            foreach (var item in items)
            {
                await RevokeAsync(item, agent.Group!, StallReason.AgentSilent, cancellationToken);
                moved++;
            }

            // Reviews it was asked for go to someone else too.
            foreach (var review in await context.Assignments
                         .Where(a => a.AgentId == agent.Id && a.Role == AssignmentRole.Review && a.EndedAt == null).ToListAsync(cancellationToken))
            {
                (review.Outcome, review.EndedAt, review.StallReason) = (AssignmentOutcome.Stalled, now, StallReason.AgentSilent);
                lifecycle.AssignmentNeeded(agent.GroupId);
            }
        }

        return moved;
    }

    /// <summary>The items judged stalled before the transaction, read again tracked and judged again.</summary>
    private async Task<int> SweepSlowWorkAsync(
        Guid groupId, IReadOnlyList<Guid> slowItems, DateTimeOffset now, CoordinatorOptions defaults, CancellationToken cancellationToken)
    {
        if (slowItems.Count == 0)
        {
            return 0;
        }

        var running = await StallSuspects.RunningWork(context, now - StallSuspects.ShortestTimeout).Where(w => w.GroupId == groupId && slowItems.Contains(w.Id))
            .Include(w => w.Assignments).Include(w => w.Group)
            .ToListAsync(cancellationToken);
        // Items the silent-agent pass above just revoked are tracked with their new state; they are done with.
        // An offer never accepted counts from when it was made, like a run without progress.
        running = running.Where(w => w.State is WorkItemState.InProgress or WorkItemState.Assigned && w.AssigneeAgentId != null).ToList();
        var agentIds = running.Select(w => w.AssigneeAgentId!.Value).Distinct().ToList();
        var agents = await context.Agents.Where(a => agentIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken);
        var moved = 0;
        foreach (var item in running)
        {
            var attempt = item.Assignments.Single(a => a.Id == item.CurrentAssignmentId);
            var agent = agents[item.AssigneeAgentId!.Value];
            var policy = StallPolicy.For(defaults, item.Group!.Thresholds, agent.Thresholds);
            var verdict = Judge(AttemptSigns.Of(item, attempt), policy, now, processStart.At);
            if (verdict is null)
            {
                continue;
            }

            // Progress after the ping is an answer, whatever the suspicion: a run that reports is not cut off.
            var answeredPing = attempt.PingedAt is { } pinged && attempt.LastProgressAt > pinged;
            if (attempt.PingedAt is null || answeredPing)
            {
                attempt.PingedAt = now;
                lifecycle.Tell(agent, AgentMessageTypes.Ping, new { workItemId = item.Id, reason = ReasonName(verdict.Value) }, item.Id);
                context.AddTrailEvent(item.GroupId, Caller.Coordinator, TrailEventTypes.Pinged, now, new { reason = ReasonName(verdict.Value) }, item.Id, agent.Id);
            }
            else if (now - attempt.PingedAt > policy.PingGrace)
            {
                await RevokeAsync(item, item.Group, verdict.Value, cancellationToken);
                moved++;
            }
        }

        return moved;
    }

    /// <summary>
    /// Why the attempt looks stalled, or null when it does not. Time before the start grace does not count, nor time
    /// before <paramref name="started"/> (this process's start: no report could reach it).
    /// </summary>
    public static StallReason? Judge(AttemptSigns attempt, StallPolicy policy, DateTimeOffset now, DateTimeOffset started)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var accepted = attempt.Accepted;
        var lastSign = new[] { attempt.LastProgressAt ?? accepted, accepted + policy.StartGrace, started }.Max();
        if (now - lastSign > policy.ProgressTimeout)
        {
            // Reports kept coming, all the same: a loop, not silence (decision 0028).
            return attempt.ProgressAt > lastSign ? StallReason.ProgressRepeated : StallReason.NoProgress;
        }

        return attempt.ExpectedDurationSeconds is { } expected && now - accepted > TimeSpan.FromSeconds(expected * policy.OverrunFactor)
            ? StallReason.OverExpectedDuration
            : null;
    }

    private async Task RevokeAsync(WorkItem item, Group group, StallReason reason, CancellationToken cancellationToken)
    {
        var agentId = item.AssigneeAgentId;
        await lifecycle.EndAttemptAsync(item, AssignmentOutcome.Stalled, cancellationToken, RevokeReasons.Stalled, reason);
        if (AttemptRule.Exhausted(item, group, options.CurrentValue))
        {
            WorkItemStateMachine.Apply(item, WorkItemMove.Fail, lifecycle.Now);
            context.AddTrailEvent(item.GroupId, Caller.Coordinator, TrailEventTypes.Failed, lifecycle.Now,
                new { reason = ReasonName(reason), attempts = item.Attempts, escalated = true }, item.Id, agentId);
            LogFailed(logger, item.Id, item.Attempts);
            return;
        }

        WorkItemStateMachine.Apply(item, WorkItemMove.Stall, lifecycle.Now);
        context.AddTrailEvent(item.GroupId, Caller.Coordinator, TrailEventTypes.Stalled, lifecycle.Now, new { reason = ReasonName(reason), agentId }, item.Id, agentId);
    }

    private static string ReasonName(StallReason reason) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(reason.ToString());

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stall sweep lost a race; the next sweep looks again")]
    private static partial void LogLostRace(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Work item {WorkItemId} failed after {Attempts} attempts and is escalated to its group's humans")]
    private static partial void LogFailed(ILogger logger, Guid workItemId, int attempts);
}
