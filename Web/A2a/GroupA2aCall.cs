using System.Text.Json;
using ClawGroups.Coordinator.A2a;
using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Webhooks;

namespace ClawGroups.Web.A2a;

/// <summary>One JSON-RPC call to a group's endpoint: who, which group, the call's id and the services that answer it.</summary>
internal sealed record GroupA2aCall(
    Guid GroupId, Caller Caller, JsonRpcRequest Request, GroupTasks Tasks, GroupTaskWatch Watch, GroupTaskPushes Pushes, WebhookUrlPolicy Urls)
{
    public JsonElement? Id => Request.Id;

    /// <summary>The params as <typeparamref name="T"/>, or the invalid-params error that says why they are not.</summary>
    public (T? Params, JsonRpcResponse? Error) Params<T>()
        where T : class
    {
        if (Request.Params is not { ValueKind: JsonValueKind.Object } json)
        {
            return (null, A2aRpcErrors.InvalidParams(Id, $"{Request.Method} takes an object of params."));
        }

        try
        {
            return A2aJson.Deserialize<T>(json) is { } value ? (value, null) : (null, A2aRpcErrors.InvalidParams(Id, "params are null."));
        }
        catch (JsonException exception)
        {
            return (null, A2aRpcErrors.InvalidParams(Id, exception.Path is { Length: > 0 } path ? $"{path}: {exception.Message}" : exception.Message));
        }
    }

    /// <summary>The item behind a task id and the caller's view of it, as a follow-able source of views.</summary>
    public Func<CancellationToken, Task<Coordinator.WorkItems.WorkItemView?>> ReadTask(string taskId)
        => async cancellationToken => (await Tasks.GetAsync(Caller, GroupId, taskId, cancellationToken)).Value;
}
