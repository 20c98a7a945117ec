using System.Text.Json;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Webhooks;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Agents;

/// <summary>
/// An agent being there: its heartbeats (which hold its leases and hand pull agents their messages) and its pulls for
/// the next offer. What it does with the work it holds is <see cref="AgentWorkService"/>'s.
/// </summary>
public sealed class AgentPresenceService(
    ClawDbContext context,
    WorkItemLifecycle lifecycle,
    AgentWaiters waiters,
    LiveChanges liveChanges,
    IOptionsMonitor<CoordinatorOptions> options,
    TimeProvider time)
{
    public const int MaxWaitSeconds = 30;

    /// <summary>How often a long poll looks again without a signal: signals are hints and can be lost.</summary>
    private static readonly TimeSpan FallbackRecheck = TimeSpan.FromSeconds(10);

    public Task<Outcome<HeartbeatAnswer>> HeartbeatAsync(Caller caller, Guid agentId, HeartbeatRequest request, CancellationToken cancellationToken)
        => BeatAsync(caller, agentId, request, heartbeat: true, cancellationToken);

    /// <summary>
    /// The sign of life that every call of an agent on MCP is (docs/API.md, "MCP server"): like a heartbeat it holds the
    /// agent's leases and brings a stalled or signed-off agent back, but it leaves the status the agent last reported and
    /// its pending messages as they are — an MCP client has no place to read them, and the next REST heartbeat still hands
    /// them over.
    /// </summary>
    public Task<Outcome<HeartbeatAnswer>> SignOfLifeAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return BeatAsync(caller, caller.Id, new HeartbeatRequest(null, null), heartbeat: false, cancellationToken);
    }

    private async Task<Outcome<HeartbeatAnswer>> BeatAsync(
        Caller caller, Guid agentId, HeartbeatRequest request, bool heartbeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (agent, denied) = await OwnAgentAsync(caller, agentId, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        if (request.Status is not (null or "idle" or "busy"))
        {
            return Failure.Invalid("status", "status must be \"idle\" or \"busy\".");
        }

        if (request.Note is { Length: > AgentLimits.MaxHeartbeatNoteLength })
        {
            return Failure.Invalid("note", $"note is at most {AgentLimits.MaxHeartbeatNoteLength} characters long.");
        }

        var now = time.GetUtcNow();
        var live = request.Status == "busy" ? AgentStatus.Busy : AgentStatus.Online;
        var (cameBack, switched, statusAfter) = await RecordBeatAsync(agent!, request.Note, live, heartbeat, now, cancellationToken);
        if (cameBack || switched || HeartbeatShownStale(agent!.LastHeartbeatAt, now))
        {
            liveChanges.Add(LiveChange.Agent(agent!.GroupId, agentId));
        }
        if (cameBack)
        {
            context.AddTrailEvent(agent!.GroupId, caller, TrailEventTypes.AgentReturned, now, new { agent.Name }, agentId: agent.Id);
            lifecycle.AssignmentNeeded(agent.GroupId);
        }

        if (agent!.Status == AgentStatus.Unreachable && agent.Delivery != DeliveryMode.Pull
            && !await context.OutboxMessages.AnyAsync(m => m.AgentId == agentId && m.DeliveredAt == null && m.GaveUpAt == null, cancellationToken))
        {
            // Alive is not reachable: only a delivered webhook proves the endpoint works again, so probe it.
            lifecycle.Tell(agent, Webhooks.AgentMessageTypes.Ping, new { reason = "reachability" }, null);
        }

        IReadOnlyList<JsonElement> messages = heartbeat ? await CollectMessagesAsync(agent!, now, cancellationToken) : [];
        await lifecycle.SaveAsync(cancellationToken);
        var status = statusAfter ?? await context.Agents.Where(a => a.Id == agentId).Select(a => a.Status).SingleAsync(cancellationToken);
        return new HeartbeatAnswer(agentId, JsonNamingPolicy.CamelCase.ConvertName(status.ToString()), messages);
    }

    /// <summary>
    /// The agent leaves: it is offered nothing until its next heartbeat (which brings it back), and the offers it had not
    /// accepted — work and reviews — move on at once instead of waiting for a timeout. Work it accepted stays its own while
    /// it reports, so an agent can sign off to drain; the progress timeout applies to that work as always. Signing off
    /// twice changes nothing more.
    /// </summary>
    public async Task<Outcome<SignOffAnswer>> SignOffAsync(Caller caller, Guid agentId, CancellationToken cancellationToken)
    {
        var (agent, denied) = await OwnAgentAsync(caller, agentId, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var now = lifecycle.Now;
        // The version moves with the status: a pass that read the agent present cannot commit an offer to it any more, and
        // one that committed first left offers that the query below finds. Unreachable and paused agents keep their status.
        var signedOff = await context.Agents
            .Where(a => a.Id == agentId && (a.Status == AgentStatus.Online || a.Status == AgentStatus.Busy || a.Status == AgentStatus.Stalled))
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.Status, AgentStatus.Offline).SetProperty(a => a.Version, a => a.Version + 1),
                cancellationToken) > 0;
        if (signedOff)
        {
            liveChanges.Add(LiveChange.Agent(agent!.GroupId, agentId));
            context.AddTrailEvent(agent.GroupId, caller, TrailEventTypes.AgentSignedOff, now, new { agent.Name }, agentId: agentId);
        }

        // A paused offer keeps its assignee, as pausing promises.
        var offers = await context.WorkItems.Include(w => w.Assignments)
            .Where(w => w.AssigneeAgentId == agentId && w.State == WorkItemState.Assigned && w.PausedAt == null)
            .ToListAsync(cancellationToken);
        foreach (var item in offers)
        {
            await lifecycle.EndAttemptAsync(item, AssignmentOutcome.SignedOff, cancellationToken);
            WorkItemStateMachine.Apply(item, WorkItemMove.Decline, now);
            context.AddTrailEvent(item.GroupId, caller, TrailEventTypes.Released, now, new { reason = "agentSignedOff", agentId }, item.Id, agentId);
        }

        await context.VoidUndeliveredOffersAsync(agentId, offers.Select(o => o.Id).ToList(), now, cancellationToken);
        foreach (var review in await context.Assignments
                     .Where(a => a.AgentId == agentId && a.Role == AssignmentRole.Review && a.EndedAt == null).ToListAsync(cancellationToken))
        {
            (review.Outcome, review.EndedAt) = (AssignmentOutcome.SignedOff, now);
        }

        lifecycle.AssignmentNeeded(agent!.GroupId);
        await context.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        // Committed: the signals (a pass for the group) go out now.
        await lifecycle.SaveAsync(cancellationToken);
        var status = await context.Agents.Where(a => a.Id == agentId).Select(a => a.Status).SingleAsync(cancellationToken);
        return new SignOffAnswer(agentId, MemberStatuses.ApiName(status), offers.Select(o => o.Id).ToList());
    }

    /// <summary>
    /// Writes the sign of life and what it does to the agent's status: a stalled or signed-off agent comes back; a heartbeat
    /// (not an MCP call's sign of life) switches between online and busy. Set-based writes: a heartbeat must never fail
    /// because something else changed the agent meanwhile.
    /// Usually one UPDATE, on the condition that the status is still the one read at the start of the call, and then the
    /// status after it is known without reading it again. When the status changed in between (a sweep marked the agent
    /// stalled, a person paused it), three conditional writes decide instead, as the database sees the status then, and the
    /// status after is read (null here).
    /// </summary>
    private async Task<(bool CameBack, bool Switched, AgentStatus? StatusAfter)> RecordBeatAsync(
        Agent agent, string? note, AgentStatus live, bool heartbeat, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var read = agent.Status;
        var comesBack = read is AgentStatus.Stalled or AgentStatus.Offline;
        var switches = heartbeat && (read is AgentStatus.Online or AgentStatus.Busy) && read != live;
        var after = comesBack || switches ? live : read;
        var written = await context.Agents.Where(a => a.Id == agent.Id && a.Status == read)
            .ExecuteUpdateAsync(set =>
            {
                set.SetProperty(a => a.LastHeartbeatAt, now).SetProperty(a => a.LastHeartbeatNote, note);
                if (after != read)
                {
                    set.SetProperty(a => a.Status, after);
                }

                if (comesBack)
                {
                    set.SetProperty(a => a.ConsecutiveDeliveryFailures, 0);
                }
            }, cancellationToken) == 1;
        if (written)
        {
            return (comesBack, switches, after);
        }

        await context.Agents.Where(a => a.Id == agent.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.LastHeartbeatAt, now).SetProperty(a => a.LastHeartbeatNote, note), cancellationToken);
        var cameBack = await context.Agents
            .Where(a => a.Id == agent.Id && (a.Status == AgentStatus.Stalled || a.Status == AgentStatus.Offline))
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.Status, live).SetProperty(a => a.ConsecutiveDeliveryFailures, 0), cancellationToken) > 0;
        var switched = heartbeat && await context.Agents
            .Where(a => a.Id == agent.Id && (a.Status == AgentStatus.Online || a.Status == AgentStatus.Busy) && a.Status != live)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.Status, live), cancellationToken) > 0;
        return (cameBack, switched, null);
    }

    /// <summary>
    /// Whether a roster should hear of this heartbeat: always when the status changed, otherwise once per
    /// <see cref="MissedHeartbeats.ShownEvery"/>. Three hundred agents beating every few seconds would otherwise push a
    /// full member view to every board several times a second to move a "seconds ago" label that ticks by itself.
    /// </summary>
    private bool HeartbeatShownStale(DateTimeOffset? previous, DateTimeOffset now)
    {
        var every = MissedHeartbeats.ShownEvery(TimeSpan.FromSeconds(options.CurrentValue.HeartbeatIntervalSeconds)).Ticks;
        return previous is not { } before || before.UtcTicks / every != now.UtcTicks / every;
    }

    /// <summary>
    /// The next item offered to the agent, waiting up to <paramref name="waitSeconds"/> for one. The wait holds
    /// neither a thread nor a database connection: it awaits a signal (from this node or, through the cluster
    /// bus, another), re-checking now and then in case a signal was lost.
    /// </summary>
    public async Task<Outcome<WorkItemView?>> PullAsync(Caller caller, Guid agentId, int waitSeconds, CancellationToken cancellationToken)
    {
        if (waitSeconds is < 0 or > MaxWaitSeconds)
        {
            return Failure.Invalid("waitSeconds", $"waitSeconds must be from 0 to {MaxWaitSeconds}.");
        }

        if (await OwnPresentAgentAsync(caller, agentId, cancellationToken) is { } denied)
        {
            return denied;
        }

        // A pull is not a heartbeat: a process can keep polling while the work it holds has stopped.
        var deadline = time.GetUtcNow().AddSeconds(waitSeconds);
        while (true)
        {
            var news = waiters.NextNews(agentId);
            var item = await context.LoadOfferToShowAsync(agentId, cancellationToken);
            if (item is null)
            {
                // A review it was asked for is an offer too, until it answers with its review.
                var review = await ReviewAskedOf.For(context)(context, agentId, cancellationToken);
                item = review == Guid.Empty ? null : await context.LoadWorkItemAsync(review, cancellationToken);
            }

            if (item is not null)
            {
                return await context.ToViewAsync(item, caller, cancellationToken);
            }

            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return Outcome<WorkItemView?>.Success(null);
            }

            // Other nodes wake this wait through the cluster bus; the re-check only covers a lost signal.
            var nap = left < FallbackRecheck ? left : FallbackRecheck;
            try
            {
                await news.WaitAsync(nap, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // No signal: look again.
            }
        }
    }

    /// <summary>The item whose review the agent was asked for first and has not answered; empty when none. Compiled once, as the offer's.</summary>
    private static readonly ModelCompiledQuery<Func<ClawDbContext, Guid, CancellationToken, Task<Guid>>> ReviewAskedOf = new(() => EF.CompileAsyncQuery(
        (ClawDbContext context, Guid agentId, CancellationToken _) => context.Assignments.AsNoTracking()
            .Where(a => a.AgentId == agentId && a.Role == AssignmentRole.Review && a.EndedAt == null && a.WorkItem!.State == WorkItemState.InReview)
            .OrderBy(a => a.OfferedAt).Select(a => a.WorkItemId)
            .FirstOrDefault()));

    /// <summary>
    /// Compiled once: a pull agent's every heartbeat looks for its messages, nearly always none (a sixth of a heartbeat's
    /// CPU samples before; docs/PERFORMANCE.md, "Where an agent call's time goes"). Tracked: they are marked delivered.
    /// </summary>
    private static readonly ModelCompiledQuery<Func<ClawDbContext, Guid, IAsyncEnumerable<OutboxMessage>>> PendingMessages = new(() => EF.CompileAsyncQuery(
        (ClawDbContext context, Guid agentId) => context.OutboxMessages
            .Where(m => m.AgentId == agentId && m.DeliveredAt == null && m.GaveUpAt == null)
            .OrderBy(m => m.CreatedAt)
            .Take(100)));

    /// <summary>Pull agents' pending messages, handed over in the heartbeat answer and marked delivered.</summary>
    private async Task<IReadOnlyList<JsonElement>> CollectMessagesAsync(Agent agent, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (agent.Delivery != DeliveryMode.Pull)
        {
            return [];
        }

        var pending = new List<OutboxMessage>();
        await foreach (var message in PendingMessages.For(context)(context, agent.Id).WithCancellation(cancellationToken))
        {
            pending.Add(message);
        }

        foreach (var message in pending)
        {
            message.DeliveredAt = now;
            message.Attempts++;
        }

        return pending.Select(m => JsonDocument.Parse(m.BodyJson).RootElement.Clone()).ToList();
    }

    /// <summary>
    /// Compiled once: every heartbeat and MCP sign of life reads the agent (docs/PERFORMANCE.md, "Where an agent call's time
    /// goes"); a pull only checks it (<see cref="AgentPresent"/>).
    /// </summary>
    private static readonly ModelCompiledQuery<Func<ClawDbContext, Guid, CancellationToken, Task<Agent?>>> PresentAgent = new(() => EF.CompileAsyncQuery(
        (ClawDbContext context, Guid agentId, CancellationToken _) => context.Agents.AsNoTracking()
            .SingleOrDefault(a => a.Id == agentId && a.Status != AgentStatus.Revoked)));

    /// <summary>
    /// Whether the agent is there and not revoked, for a call that needs nothing else of it (a pull): compiled and narrow, where
    /// the whole row carries the agent's card.
    /// </summary>
    private static readonly ModelCompiledQuery<Func<ClawDbContext, Guid, CancellationToken, Task<bool>>> AgentPresent = new(() => EF.CompileAsyncQuery(
        (ClawDbContext context, Guid agentId, CancellationToken _) => context.Agents.Any(a => a.Id == agentId && a.Status != AgentStatus.Revoked)));

    /// <summary>What <see cref="OwnAgentAsync"/> refuses, without reading the agent's row.</summary>
    private async Task<Failure?> OwnPresentAgentAsync(Caller caller, Guid agentId, CancellationToken cancellationToken)
    {
        if (AgentCalls.NotAnAgent(caller) is { } notAnAgent)
        {
            return notAnAgent;
        }

        return Refusal(caller, agentId, await AgentPresent.For(context)(context, agentId, cancellationToken));
    }

    private async Task<(Agent? Agent, Failure? Denied)> OwnAgentAsync(Caller caller, Guid agentId, CancellationToken cancellationToken)
    {
        if (AgentCalls.NotAnAgent(caller) is { } notAnAgent)
        {
            return (null, notAnAgent);
        }

        var agent = await PresentAgent.For(context)(context, agentId, cancellationToken);
        return Refusal(caller, agentId, agent is not null) is { } refused ? (null, refused) : (agent, null);
    }

    /// <summary>Why the caller may not act for the agent: it is not there (or revoked), or it is another agent; null when it may.</summary>
    private static Failure? Refusal(Caller caller, Guid agentId, bool present)
        => !present ? Failure.NotFound("agent", agentId)
            : caller.Id == agentId ? null
            : Failure.Forbidden("These credentials belong to another agent.");
}
