using System.Text.Json;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>The params of <c>SendMessage</c> and <c>SendStreamingMessage</c>.</summary>
public sealed record SendMessageRequest
{
    public string? Tenant { get; init; }

    public required Message Message { get; init; }

    public SendMessageConfiguration? Configuration { get; init; }

    public JsonElement? Metadata { get; init; }
}
