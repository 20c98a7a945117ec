using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>A JSON-RPC 2.0 call. The id is a string or a number, echoed back as it came.</summary>
public sealed record JsonRpcRequest
{
    public const string Version = "2.0";

    [JsonPropertyName("jsonrpc")]
    public string JsonRpc { get; init; } = Version;

    public JsonElement? Id { get; init; }

    public required string Method { get; init; }

    public JsonElement? Params { get; init; }

    public static JsonRpcRequest Create<TParams>(string method, TParams parameters, long id)
        => new() { Id = JsonSerializer.SerializeToElement(id), Method = method, Params = JsonSerializer.SerializeToElement(parameters, A2aJson.Options) };
}
