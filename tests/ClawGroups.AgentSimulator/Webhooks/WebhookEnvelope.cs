using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ClawGroups.AgentSimulator.Webhooks;

/// <summary>
/// A delivery's <c>{ id, type, createdAt, data }</c> as the contract sends it, the id and type taken from the
/// <c>X-Claw-Delivery</c> and <c>X-Claw-Event</c> headers where they are given. Read after the signature checked out.
/// </summary>
public readonly record struct WebhookEnvelope(string Id, string Type, DateTimeOffset? CreatedAt, JsonElement Data)
{
    /// <summary>False for a body that is not such an object, or a delivery without an id or a type.</summary>
    public static bool TryRead(IHeaderDictionary headers, byte[] body, out WebhookEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(headers);
        envelope = default;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return false;
            var id = NullIfEmpty(headers["X-Claw-Delivery"].ToString()) ?? Str(root, "id");
            var type = NullIfEmpty(headers["X-Claw-Event"].ToString()) ?? Str(root, "type");
            if (id is null || type is null)
                return false;
            envelope = new WebhookEnvelope(
                id,
                type,
                root.TryGetProperty("createdAt", out var created) && created.ValueKind == JsonValueKind.String && created.TryGetDateTimeOffset(out var at) ? at : null,
                root.TryGetProperty("data", out var data) ? data.Clone() : default);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? Str(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number ? NullIfEmpty(value.ToString()) : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
