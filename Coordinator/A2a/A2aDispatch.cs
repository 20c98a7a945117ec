using System.Text.Json;
using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Coordinator.Credentials;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Webhooks;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.A2a;

/// <summary>
/// Delivers an outbox message to an A2A agent as the A2A call it stands for, so that A2A agents get the outbox's
/// guarantees (written with the change it announces, retried with backoff, an agent that keeps failing marked unreachable)
/// from the same <see cref="WebhookDelivery"/>: an offer is <c>SendMessage</c>, a revocation <c>CancelTask</c>, a person's
/// message (a steer, or the answer to the agent's question) a message on the same task, a ping a <c>GetTask</c>. The
/// other messages have no A2A counterpart and count as delivered. An error the agent answers with was delivered too: the
/// agent was reached and said no, which retrying would not change.
/// </summary>
public sealed class A2aDispatch(
    ClawDbContext context, A2aJsonRpcClient client, IServiceScopeFactory scopes, IOptionsMonitor<A2aOptions> options)
{
    public const string PushTokenPrefix = "cg_a2apush_";

    /// <summary>Makes the call; the answer's status and a transport error (null when delivered), as a webhook POST reports them.</summary>
    public async Task<(int? Status, string? Error, int ElapsedMs)> DeliverAsync(OutboxMessage message, Agent agent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(agent);
        using var envelope = JsonDocument.Parse(message.BodyJson);
        var data = envelope.RootElement.GetProperty("data");
        var endpoint = agent.A2aEndpointUrl!;
        switch (message.Type)
        {
            case AgentMessageTypes.Assigned:
                return await OfferAsync(message, agent, data, cancellationToken);
            case AgentMessageTypes.Revoked:
            {
                var task = await TaskOfAsync(message.WorkItemId, agent.Id, openOnly: false, cancellationToken);
                return task is null
                    ? (null, null, 0)
                    : Delivered(await client.CallAsync(endpoint, A2aMethods.CancelTask, new CancelTaskRequest { Id = task.TaskId }, cancellationToken));
            }

            case AgentMessageTypes.Message:
            {
                var task = await TaskOfAsync(message.WorkItemId, agent.Id, openOnly: true, cancellationToken);
                if (task is null)
                {
                    // An offer not yet delivered has no task to speak on: the message waits for it (the retry comes after).
                    return await HasOpenAttemptAsync(message.WorkItemId, agent.Id, cancellationToken)
                        ? (null, "The A2A task for this item does not exist yet.", 0)
                        : (null, null, 0);
                }

                var text = $"{Text(data, "text")}\n\n— {Text(data, "from")}";
                var answer = await client.CallAsync(endpoint, A2aMethods.SendMessage, new SendMessageRequest
                {
                    Message = Message(message.Id, [Part.FromText(text)], task.TaskId, task.ContextId),
                    Configuration = new SendMessageConfiguration { ReturnImmediately = true },
                }, cancellationToken);
                if (answer.Reached)
                {
                    await SyncInScopeAsync(task.AssignmentId, cancellationToken);
                }

                return Delivered(answer);
            }

            case AgentMessageTypes.Ping:
            {
                var task = await TaskOfAsync(message.WorkItemId, agent.Id, openOnly: true, cancellationToken);
                // A task to ask about, or any task id: an error answer ("no such task") proves the endpoint answers as well.
                var answer = await client.CallAsync(endpoint, A2aMethods.GetTask,
                    new GetTaskRequest { Id = task?.TaskId ?? $"claw-reachability-{message.Id:N}" }, cancellationToken);
                if (answer.Reached && task is not null)
                {
                    await SyncInScopeAsync(task.AssignmentId, cancellationToken);
                }

                return Delivered(answer);
            }

            default:
                return (null, null, 0);
        }
    }

    private async Task<(int? Status, string? Error, int ElapsedMs)> OfferAsync(
        OutboxMessage message, Agent agent, JsonElement item, CancellationToken cancellationToken)
    {
        var attempt = await context.Assignments.AsNoTracking()
            .Where(a => a.WorkItemId == message.WorkItemId && a.AgentId == agent.Id && a.Role == AssignmentRole.Work && a.EndedAt == null)
            .OrderByDescending(a => a.OfferedAt).FirstOrDefaultAsync(cancellationToken);
        if (attempt is null || attempt.A2aTaskId is not null)
        {
            // The offer was taken back before it went out, or its task exists already: nothing to send.
            return (null, null, 0);
        }

        TaskPushNotificationConfig? push = null;
        string? tokenHash = null;
        if (agent.A2aPushNotifications && PushUrl(agent, attempt.Id) is { } pushUrl)
        {
            // A token per task, kept only as its hash: a push that does not carry it is not from this task's agent.
            var token = SecretToken.Create(PushTokenPrefix);
            tokenHash = SecretToken.Hash(token);
            push = new TaskPushNotificationConfig { Url = pushUrl, Token = token };
        }

        var title = Text(item, "title") ?? "";
        var description = Text(item, "description");
        var answer = await client.CallAsync(agent.A2aEndpointUrl!, A2aMethods.SendMessage, new SendMessageRequest
        {
            Message = Message(message.Id,
            [
                Part.FromText(string.IsNullOrEmpty(description) ? title : $"{title}\n\n{description}"),
                Part.FromData(new { workItemId = Text(item, "id"), groupId = Text(item, "groupId") }),
            ]),
            Configuration = new SendMessageConfiguration { ReturnImmediately = true, TaskPushNotificationConfig = push },
        }, cancellationToken);
        if (!answer.Reached)
        {
            return Delivered(answer);
        }

        var sent = answer.ResultAs<SendMessageResponse>();
        if (sent?.Message is { } reply && sent.Task is null)
        {
            // The agent answered at once with a message and made no task: its answer is the attempt's result.
            var done = new A2aTaskReading("", null, TaskState.Completed, A2aTaskReading.MessageText(reply), [], "reply");
            await ApplyInScopeAsync(agent, attempt, done, cancellationToken);
            return Delivered(answer);
        }

        var task = sent?.Task is { } made ? A2aTaskReading.Read(made) : null;
        if (task is null || task.TaskId.Length is 0 or > AssignmentLimits.MaxA2aIdLength || task.ContextId?.Length > AssignmentLimits.MaxA2aIdLength)
        {
            // An error, or no task it can be asked about: the agent took no task for the item, so the offer is declined.
            var why = answer.Error is { } error ? $"The A2A agent refused the work: {error.Message}" : "The A2A agent answered without a task.";
            var refused = new A2aTaskReading("", null, TaskState.Rejected, why, [], "refused");
            await ApplyInScopeAsync(agent, attempt, refused, cancellationToken);
            return Delivered(answer);
        }

        await context.Assignments.Where(a => a.Id == attempt.Id && a.A2aTaskId == null).ExecuteUpdateAsync(set => set
            .SetProperty(a => a.A2aTaskId, task.TaskId)
            .SetProperty(a => a.A2aContextId, task.ContextId)
            .SetProperty(a => a.A2aPushTokenHash, tokenHash), cancellationToken);
        await SyncInScopeAsync(attempt.Id, cancellationToken);
        return Delivered(answer);
    }

    /// <summary>Where the agent pushes this attempt's task updates, or null when this server's address is not known.</summary>
    private string? PushUrl(Agent agent, Guid assignmentId)
    {
        var baseUrl = options.CurrentValue.CallbackBaseUrl is { Length: > 0 } configured ? configured : agent.A2aCallbackBaseUrl;
        return baseUrl is null || !Uri.TryCreate(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/", UriKind.Absolute, out var root)
            ? null
            : new Uri(root, $"a2a-push/{assignmentId}").AbsoluteUri;
    }

    private async Task<AttemptTask?> TaskOfAsync(Guid? workItemId, Guid agentId, bool openOnly, CancellationToken cancellationToken)
        => workItemId is null
            ? null
            : await context.Assignments.AsNoTracking()
                .Where(a => a.WorkItemId == workItemId && a.AgentId == agentId && a.A2aTaskId != null && (!openOnly || a.EndedAt == null))
                .OrderByDescending(a => a.OfferedAt)
                .Select(a => new AttemptTask(a.Id, a.A2aTaskId!, a.A2aContextId))
                .FirstOrDefaultAsync(cancellationToken);

    private Task<bool> HasOpenAttemptAsync(Guid? workItemId, Guid agentId, CancellationToken cancellationToken)
        => context.Assignments.AnyAsync(a => a.WorkItemId == workItemId && a.AgentId == agentId && a.EndedAt == null, cancellationToken);

    /// <summary>The task's state applied in a unit of work of its own, apart from the delivery's record of its attempt.</summary>
    private async Task SyncInScopeAsync(Guid assignmentId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<A2aTaskSync>().SyncAsync(assignmentId, cancellationToken);
    }

    private async Task ApplyInScopeAsync(Agent agent, Assignment attempt, A2aTaskReading reading, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<A2aTaskSync>()
            .ApplyAsync(A2aTaskSync.CallerFor(agent), attempt.Id, attempt.WorkItemId, attempt.A2aLastUpdate, reading, cancellationToken);
    }

    /// <summary>A message from the server as the A2A client: its id is the outbox message's, so a retried delivery repeats it.</summary>
    private static Message Message(Guid messageId, IReadOnlyList<Part> parts, string? taskId = null, string? contextId = null)
        => new() { MessageId = messageId.ToString(), Role = Role.User, Parts = parts, TaskId = taskId, ContextId = contextId };

    private static (int? Status, string? Error, int ElapsedMs) Delivered(A2aCallResult answer)
        => (answer.StatusCode, answer.TransportError, answer.DurationMs);

    private static string? Text(JsonElement owner, string name)
        => owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private sealed record AttemptTask(Guid AssignmentId, string TaskId, string? ContextId);
}
