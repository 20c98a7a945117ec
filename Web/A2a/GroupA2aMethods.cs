using ClawGroups.Coordinator.A2a;
using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Web.A2a;

/// <summary>The calls answered with one JSON-RPC response: each reads its params, asks <see cref="GroupTasks"/>, maps the result.</summary>
internal static class GroupA2aMethods
{
    /// <summary>
    /// How long <c>SendMessage</c> without <c>returnImmediately</c> waits for the task to end or ask for input. Work done by
    /// people and agents can take hours: past this the client gets the task as it stands and follows it another way.
    /// </summary>
    public static readonly TimeSpan SendWaitLimit = TimeSpan.FromSeconds(60);

    public static Task<JsonRpcResponse> AnswerAsync(GroupA2aCall call, CancellationToken cancellationToken) => call.Request.Method switch
    {
        A2aMethods.SendMessage => SendMessageAsync(call, cancellationToken),
        A2aMethods.GetTask => GetTaskAsync(call, cancellationToken),
        A2aMethods.CancelTask => CancelTaskAsync(call, cancellationToken),
        A2aMethods.CreateTaskPushNotificationConfig => CreatePushConfigAsync(call, cancellationToken),
        A2aMethods.GetTaskPushNotificationConfig => GetPushConfigAsync(call, cancellationToken),
        A2aMethods.ListTaskPushNotificationConfigs => ListPushConfigsAsync(call, cancellationToken),
        A2aMethods.DeleteTaskPushNotificationConfig => DeletePushConfigAsync(call, cancellationToken),
        A2aMethods.ListTasks => Task.FromResult(JsonRpcResponse.Failure(call.Id, A2aErrorCodes.UnsupportedOperation,
            "Unsupported operation: list the group's work with GET /api/v1/groups/{groupId}/work-items.")),
        A2aMethods.GetExtendedAgentCard => Task.FromResult(JsonRpcResponse.Failure(call.Id, A2aErrorCodes.ExtendedAgentCardNotConfigured,
            "This agent has no extended card: the public card is all there is.")),
        _ => Task.FromResult(JsonRpcResponse.Failure(call.Id, A2aErrorCodes.MethodNotFound, $"Method not found: {call.Request.Method}.")),
    };

    private static async Task<JsonRpcResponse> SendMessageAsync(GroupA2aCall call, CancellationToken cancellationToken)
    {
        var (send, invalid) = await StartAsync(call, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var (item, configuration) = send!.Value;
        if (configuration?.ReturnImmediately != true && !GroupTaskStates.Settled(item.ToTask().Status.State))
        {
            item = await WaitAsync(call, item, cancellationToken);
        }

        return JsonRpcResponse.Success(call.Id, new SendMessageResponse { Task = item.ToTask() });
    }

    /// <summary>
    /// What <c>SendMessage</c> and <c>SendStreamingMessage</c> share: the item the message made (or steered), with the push
    /// config the request carried registered for it.
    /// </summary>
    public static async Task<((WorkItemView Item, SendMessageConfiguration? Configuration)? Sent, JsonRpcResponse? Error)> StartAsync(
        GroupA2aCall call, CancellationToken cancellationToken)
    {
        var (request, invalid) = call.Params<SendMessageRequest>();
        if (invalid is not null)
        {
            return (null, invalid);
        }

        if (request!.Message.Parts.All(p => string.IsNullOrWhiteSpace(p.Text) && p.Data is null))
        {
            return (null, A2aRpcErrors.InvalidParams(call.Id, "the message needs a text or data part saying what to do."));
        }

        if (request.Configuration?.TaskPushNotificationConfig is { } push && await call.Urls.CheckAsync("url", push.Url, cancellationToken) is { } badUrl)
        {
            return (null, A2aRpcErrors.Of(call.Id, badUrl));
        }

        var sent = await call.Tasks.SendAsync(call.Caller, call.GroupId, request.Message, cancellationToken);
        if (!sent.Succeeded)
        {
            return (null, A2aRpcErrors.Of(call.Id, sent.Failure!));
        }

        if (request.Configuration?.TaskPushNotificationConfig is { } config)
        {
            call.Pushes.Register(call.GroupId, sent.Value!.Id, config);
        }

        return ((sent.Value!, request.Configuration), null);
    }

    private static async Task<WorkItemView> WaitAsync(GroupA2aCall call, WorkItemView item, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(SendWaitLimit);
        try
        {
            await foreach (var view in call.Watch.FollowAsync(call.GroupId, item.Id, call.ReadTask(item.Id.ToString()), limit.Token))
            {
                item = view;
                if (GroupTaskStates.Settled(view.ToTask().Status.State))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The wait is over: the task goes back as it stands, still submitted or working.
        }

        return item;
    }

    private static async Task<JsonRpcResponse> GetTaskAsync(GroupA2aCall call, CancellationToken cancellationToken)
    {
        var (request, invalid) = call.Params<GetTaskRequest>();
        return invalid ?? Answer(call, await call.Tasks.GetAsync(call.Caller, call.GroupId, request!.Id, cancellationToken));
    }

    private static async Task<JsonRpcResponse> CancelTaskAsync(GroupA2aCall call, CancellationToken cancellationToken)
    {
        var (request, invalid) = call.Params<CancelTaskRequest>();
        return invalid ?? Answer(call, await call.Tasks.CancelAsync(call.Caller, call.GroupId, request!.Id, cancellationToken), A2aErrorCodes.TaskNotCancelable);
    }

    private static async Task<JsonRpcResponse> CreatePushConfigAsync(GroupA2aCall call, CancellationToken cancellationToken)
    {
        var (config, invalid) = call.Params<TaskPushNotificationConfig>();
        if (invalid is not null)
        {
            return invalid;
        }

        var task = await call.Tasks.GetAsync(call.Caller, call.GroupId, config!.TaskId, cancellationToken);
        if (!task.Succeeded)
        {
            return A2aRpcErrors.Of(call.Id, task.Failure!);
        }

        if (await call.Urls.CheckAsync("url", config.Url, cancellationToken) is { } badUrl)
        {
            return A2aRpcErrors.Of(call.Id, badUrl);
        }

        return call.Pushes.Register(call.GroupId, task.Value!.Id, config) is { } stored
            ? JsonRpcResponse.Success(call.Id, stored)
            : A2aRpcErrors.InvalidParams(call.Id, $"a task has at most {GroupTaskPushes.MaxPerTask} push configs; delete one first.");
    }

    private static async Task<JsonRpcResponse> GetPushConfigAsync(GroupA2aCall call, CancellationToken cancellationToken)
    {
        var (request, invalid) = call.Params<GetTaskPushNotificationConfigRequest>();
        if (invalid is not null)
        {
            return invalid;
        }

        var task = await call.Tasks.GetAsync(call.Caller, call.GroupId, request!.TaskId, cancellationToken);
        if (!task.Succeeded)
        {
            return A2aRpcErrors.Of(call.Id, task.Failure!);
        }

        return call.Pushes.Get(task.Value!.Id, request.Id) is { } config
            ? JsonRpcResponse.Success(call.Id, config)
            : JsonRpcResponse.Failure(call.Id, A2aErrorCodes.TaskNotFound, $"Task {request.TaskId} has no push config {request.Id}.");
    }

    private static async Task<JsonRpcResponse> ListPushConfigsAsync(GroupA2aCall call, CancellationToken cancellationToken)
    {
        var (request, invalid) = call.Params<ListTaskPushNotificationConfigsRequest>();
        if (invalid is not null)
        {
            return invalid;
        }

        var task = await call.Tasks.GetAsync(call.Caller, call.GroupId, request!.TaskId, cancellationToken);
        return task.Succeeded
            ? JsonRpcResponse.Success(call.Id, new ListTaskPushNotificationConfigsResponse { Configs = call.Pushes.List(task.Value!.Id) })
            : A2aRpcErrors.Of(call.Id, task.Failure!);
    }

    private static async Task<JsonRpcResponse> DeletePushConfigAsync(GroupA2aCall call, CancellationToken cancellationToken)
    {
        var (request, invalid) = call.Params<DeleteTaskPushNotificationConfigRequest>();
        if (invalid is not null)
        {
            return invalid;
        }

        var task = await call.Tasks.GetAsync(call.Caller, call.GroupId, request!.TaskId, cancellationToken);
        if (!task.Succeeded)
        {
            return A2aRpcErrors.Of(call.Id, task.Failure!);
        }

        return call.Pushes.Delete(task.Value!.Id, request.Id)
            ? new JsonRpcResponse { Id = call.Id }
            : JsonRpcResponse.Failure(call.Id, A2aErrorCodes.TaskNotFound, $"Task {request.TaskId} has no push config {request.Id}.");
    }

    private static JsonRpcResponse Answer(GroupA2aCall call, Outcome<WorkItemView> outcome, int conflictCode = A2aErrorCodes.UnsupportedOperation)
        => outcome.Succeeded ? JsonRpcResponse.Success(call.Id, outcome.Value!.ToTask()) : A2aRpcErrors.Of(call.Id, outcome.Failure!, conflictCode);
}
