using ClawGroups.Coordinator.A2a;
using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Coordinator.WorkItems;
using Microsoft.AspNetCore.Http.Features;

namespace ClawGroups.Web.A2a;

/// <summary>
/// <c>SendStreamingMessage</c> and <c>SubscribeToTask</c>: server-sent events, each a JSON-RPC response whose result is a
/// <see cref="StreamResponse"/> — first the task, then a status update whenever its state or message changes and an
/// artifact update for each artifact of its result — until the task ends or waits for the client.
/// </summary>
internal static class GroupA2aStream
{
    public static async Task SendAsync(HttpContext http, GroupA2aCall call)
    {
        var (sent, error) = await GroupA2aMethods.StartAsync(call, http.RequestAborted);
        if (error is not null)
        {
            await GroupA2aRpc.WriteAsync(http, error);
            return;
        }

        await StreamAsync(http, call, sent!.Value.Item);
    }

    public static async Task SubscribeAsync(HttpContext http, GroupA2aCall call)
    {
        var (request, invalid) = call.Params<SubscribeToTaskRequest>();
        if (invalid is not null)
        {
            await GroupA2aRpc.WriteAsync(http, invalid);
            return;
        }

        var task = await call.Tasks.GetAsync(call.Caller, call.GroupId, request!.Id, http.RequestAborted);
        if (!task.Succeeded)
        {
            await GroupA2aRpc.WriteAsync(http, A2aRpcErrors.Of(call.Id, task.Failure!));
            return;
        }

        if (task.Value!.ToTask().Status.State.IsTerminal())
        {
            await GroupA2aRpc.WriteAsync(http, JsonRpcResponse.Failure(call.Id, A2aErrorCodes.UnsupportedOperation,
                $"Unsupported operation: task {request.Id} has ended; read it with GetTask."));
            return;
        }

        await StreamAsync(http, call, task.Value!);
    }

    private static async Task StreamAsync(HttpContext http, GroupA2aCall call, WorkItemView item)
    {
        var cancellationToken = http.RequestAborted;
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = A2aProtocol.EventStreamMediaType;
        http.Response.Headers.CacheControl = "no-cache";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        A2aTaskStatus? shown = null;
        var artifactsShown = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var view in call.Watch.FollowAsync(call.GroupId, item.Id, call.ReadTask(item.Id.ToString()), cancellationToken))
            {
                var task = view.ToTask();
                if (shown is null)
                {
                    await WriteEventAsync(http, call, new StreamResponse { Task = task });
                    artifactsShown.UnionWith(task.Artifacts?.Select(a => a.ArtifactId) ?? []);
                }
                else
                {
                    foreach (var artifact in task.Artifacts?.Where(a => artifactsShown.Add(a.ArtifactId)) ?? [])
                    {
                        await WriteEventAsync(http, call, new StreamResponse
                        {
                            ArtifactUpdate = new TaskArtifactUpdateEvent { TaskId = task.Id, ContextId = task.ContextId, Artifact = artifact, LastChunk = true },
                        });
                    }

                    if (!SameStatus(shown, task.Status))
                    {
                        await WriteEventAsync(http, call, new StreamResponse
                        {
                            StatusUpdate = new TaskStatusUpdateEvent { TaskId = task.Id, ContextId = task.ContextId, Status = task.Status },
                        });
                    }
                }

                shown = task.Status;
                if (GroupTaskStates.Settled(shown.State))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away: nothing to tell it.
        }
    }

    private static bool SameStatus(A2aTaskStatus before, A2aTaskStatus now)
        => before.State == now.State && string.Equals(Text(before), Text(now), StringComparison.Ordinal);

    private static string? Text(A2aTaskStatus status) => status.Message?.Parts.FirstOrDefault()?.Text;

    private static async Task WriteEventAsync(HttpContext http, GroupA2aCall call, StreamResponse update)
    {
        await http.Response.WriteAsync($"data: {A2aJson.Serialize(JsonRpcResponse.Success(call.Id, update))}\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }
}
