using System.Text.Json;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>The error of a failed JSON-RPC call; <see cref="Code"/> is one of <see cref="A2aErrorCodes"/>.</summary>
public sealed record JsonRpcError
{
    public required int Code { get; init; }

    public required string Message { get; init; }

    public JsonElement? Data { get; init; }
}
