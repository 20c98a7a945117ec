using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Coordinator.Agents;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Coordinator.A2a;

/// <summary>
/// Brings an attempt up to date with its A2A task: asks the agent for the task (<c>GetTask</c>) and turns what changed into
/// the very call the agent would have made over REST — accept, progress, result, decline, a failed attempt, a question —
/// so that one rule decides, whichever door the news came through. An answer from the endpoint is the agent's heartbeat;
/// no answer is silence, which the stall sweep judges as it judges any silent agent.
/// </summary>
public sealed partial class A2aTaskSync(
    ClawDbContext context,
    A2aJsonRpcClient client,
    AgentWorkService work,
    AgentPresenceService presence,
    ILogger<A2aTaskSync> logger)
{
    /// <summary>Asks the agent for the attempt's task and applies it; nothing happens for an attempt that ended or has no task.</summary>
    public async Task SyncAsync(Guid assignmentId, CancellationToken cancellationToken)
    {
        var attempt = await context.Assignments.AsNoTracking()
            .Where(a => a.Id == assignmentId && a.EndedAt == null && a.A2aTaskId != null && a.AgentId != null)
            .Select(a => new { a.Id, a.WorkItemId, AgentId = a.AgentId!.Value, TaskId = a.A2aTaskId!, a.A2aLastUpdate })
            .SingleOrDefaultAsync(cancellationToken);
        if (attempt is null)
        {
            return;
        }

        var agent = await context.Agents.AsNoTracking().SingleAsync(a => a.Id == attempt.AgentId, cancellationToken);
        if (agent.Delivery != DeliveryMode.A2a || agent.A2aEndpointUrl is null || agent.Status == AgentStatus.Revoked)
        {
            return;
        }

        var answer = await client.CallAsync(agent.A2aEndpointUrl, A2aMethods.GetTask, new GetTaskRequest { Id = attempt.TaskId }, cancellationToken);
        if (!answer.Reached)
        {
            LogUnreached(logger, agent.Id, attempt.TaskId, answer.TransportError!);
            return;
        }

        await HeartbeatAsync(agent, cancellationToken);
        var caller = CallerFor(agent);
        if (answer.Error is { } error)
        {
            // The agent answers but no longer knows the task (it restarted without its task store): the attempt is lost.
            await ApplyAsync(caller, attempt.Id, attempt.WorkItemId, attempt.A2aLastUpdate,
                new A2aTaskReading(attempt.TaskId, null, TaskState.Rejected, $"The A2A agent no longer has the task: {error.Message}", [], "lost"),
                cancellationToken);
            return;
        }

        if (answer.ResultAs<A2aTask>() is { } task)
        {
            await ApplyAsync(caller, attempt.Id, attempt.WorkItemId, attempt.A2aLastUpdate, A2aTaskReading.Read(task), cancellationToken);
        }
    }

    /// <summary>
    /// The task's state drives the item (docs/API.md, "An A2A agent joins"). A reading already applied changes nothing, so
    /// the same update arriving by push and by poll counts once; an update that brings nothing new is no progress, and the
    /// stall sweep's progress timeout applies to it as to a silent REST agent.
    /// </summary>
    public async Task ApplyAsync(
        Caller caller, Guid assignmentId, Guid workItemId, string? lastApplied, A2aTaskReading reading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reading);
        if (reading.Fingerprint == lastApplied)
        {
            return;
        }

        Outcome<WorkItemView>? outcome = reading.State switch
        {
            TaskState.Submitted => null,
            TaskState.Working => await WorkingAsync(caller, workItemId, reading.StatusText, cancellationToken),
            TaskState.InputRequired or TaskState.AuthRequired
                => await StartedAsync(caller, workItemId, cancellationToken) ?? await work.AskAsync(caller, workItemId,
                    reading.StatusText ?? "The agent needs input to go on.", cancellationToken),
            TaskState.Completed
                => await StartedAsync(caller, workItemId, cancellationToken) ?? await work.ResultAsync(caller, workItemId,
                    new ResultReport(reading.Summary, reading.Artifacts.Take(AgentWorkService.MaxArtifacts).ToList(), null), cancellationToken),
            TaskState.Failed => await work.FailAsync(caller, workItemId, Reason(reading, "The A2A task failed."), cancellationToken),
            TaskState.Rejected => await work.DeclineAsync(caller, workItemId, Reason(reading, "The A2A agent rejected the task."), cancellationToken),
            TaskState.Canceled => await work.DeclineAsync(caller, workItemId, Reason(reading, "The A2A agent canceled the task."), cancellationToken),
            _ => null,
        };
        if (outcome is { Succeeded: false } refused)
        {
            // The item moved on meanwhile (a person took it over, a stall): the task's news has nothing left to drive.
            LogNotApplied(logger, workItemId, reading.State, refused.Failure!.Detail);
        }

        await context.Assignments.Where(a => a.Id == assignmentId)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.A2aLastUpdate, reading.Fingerprint), cancellationToken);
    }

    /// <summary>A successful contact with the agent's endpoint is its heartbeat (A2A agents send none of their own).</summary>
    public async Task HeartbeatAsync(Agent agent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        context.ChangeTracker.Clear();
        await presence.HeartbeatAsync(CallerFor(agent), agent.Id, new HeartbeatRequest(null, "A2A endpoint answered"), cancellationToken);
        context.ChangeTracker.Clear();
    }

    public static Caller CallerFor(Agent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return new Caller(MemberKind.Agent, agent.Id, agent.Name, AgentGroupId: agent.GroupId);
    }

    private async Task<Outcome<WorkItemView>?> WorkingAsync(Caller caller, Guid workItemId, string? message, CancellationToken cancellationToken)
    {
        if (await StartedAsync(caller, workItemId, cancellationToken) is { } refused)
        {
            return refused;
        }

        var fraction = await context.WorkItems.AsNoTracking().Where(w => w.Id == workItemId).Select(w => w.ProgressFraction).SingleAsync(cancellationToken);
        context.ChangeTracker.Clear();
        var text = message is { Length: > WorkItemLimits.MaxProgressMessageLength } ? message[..WorkItemLimits.MaxProgressMessageLength] : message;
        return await work.ProgressAsync(caller, workItemId, new ProgressReport(fraction, text ?? "working", null), cancellationToken);
    }

    /// <summary>Accepts the offer if the agent has not yet (an A2A agent accepts by starting its task); null when it holds the run.</summary>
    private async Task<Outcome<WorkItemView>?> StartedAsync(Caller caller, Guid workItemId, CancellationToken cancellationToken)
    {
        context.ChangeTracker.Clear();
        var accepted = await work.AcceptAsync(caller, workItemId, cancellationToken);
        context.ChangeTracker.Clear();
        return accepted.Succeeded ? null : (Outcome<WorkItemView>?)accepted;
    }

    private static DeclineReport Reason(A2aTaskReading reading, string fallback)
    {
        var text = reading.StatusText ?? fallback;
        return new DeclineReport(text.Length <= WorkItemLimits.MaxDeclineReasonLength ? text : text[..WorkItemLimits.MaxDeclineReasonLength]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A2A agent {AgentId} did not answer GetTask for {TaskId}: {Error}")]
    private static partial void LogUnreached(ILogger logger, Guid agentId, string taskId, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A2A task update {State} for work item {WorkItemId} changed nothing: {Detail}")]
    private static partial void LogNotApplied(ILogger logger, Guid workItemId, TaskState state, string detail);
}
