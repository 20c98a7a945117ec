using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>A JWS signature over a card (RFC 7515, JSON form); kept, not checked.</summary>
public sealed record AgentCardSignature
{
    [JsonPropertyName("protected")]
    public required string ProtectedHeader { get; init; }

    public required string Signature { get; init; }

    public JsonElement? Header { get; init; }
}
