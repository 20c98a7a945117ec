using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>
/// A JSON-RPC 2.0 answer: a result or an error, never both. It is written by <see cref="JsonRpcResponseConverter"/>
/// because JSON-RPC needs <c>"id": null</c> and <c>"result": null</c> written out (a deleted push config answers
/// null) where every other A2A field that is not set is left out.
/// </summary>
[JsonConverter(typeof(JsonRpcResponseConverter))]
public sealed record JsonRpcResponse
{
    public JsonElement? Id { get; init; }

    public JsonElement? Result { get; init; }

    public JsonRpcError? Error { get; init; }

    public static JsonRpcResponse Success<T>(JsonElement? id, T result)
        => new() { Id = id, Result = JsonSerializer.SerializeToElement(result, A2aJson.Options) };

    public static JsonRpcResponse Failure(JsonElement? id, int code, string message)
        => new() { Id = id, Error = new JsonRpcError { Code = code, Message = message } };

    /// <summary>Reads the result as <typeparamref name="T"/>; null when the call failed or answered null.</summary>
    public T? ResultAs<T>() => Result is { ValueKind: not JsonValueKind.Null } result ? result.Deserialize<T>(A2aJson.Options) : default;
}
