using System.Text.Json;
using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Coordinator.Calls;

namespace ClawGroups.Web.A2a;

/// <summary>The service's failures as A2A's JSON-RPC errors; the problem's detail is the message, its field errors the data.</summary>
internal static class A2aRpcErrors
{
    public static JsonRpcResponse Of(JsonElement? id, Failure failure, int conflictCode = A2aErrorCodes.UnsupportedOperation)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var code = failure.Kind switch
        {
            FailureKind.NotFound => A2aErrorCodes.TaskNotFound,
            FailureKind.Invalid => A2aErrorCodes.InvalidParams,
            FailureKind.Conflict => conflictCode,
            _ => A2aErrorCodes.InvalidRequest,
        };
        return new JsonRpcResponse
        {
            Id = id,
            Error = new JsonRpcError
            {
                Code = code,
                Message = $"{failure.Title}: {failure.Detail}",
                Data = failure.Errors is { } errors ? JsonSerializer.SerializeToElement(errors) : null,
            },
        };
    }

    public static JsonRpcResponse InvalidParams(JsonElement? id, string detail)
        => JsonRpcResponse.Failure(id, A2aErrorCodes.InvalidParams, $"Invalid params: {detail}");
}
