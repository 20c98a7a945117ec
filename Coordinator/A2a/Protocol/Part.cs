using System.Text.Json;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>
/// One piece of content: exactly one of <see cref="Text"/>, <see cref="Raw"/> (base64 on the wire), <see cref="Url"/>
/// or <see cref="Data"/> (any JSON value). v1.0 has no <c>kind</c> field: the field that is set says what it is.
/// </summary>
public sealed record Part
{
    public string? Text { get; init; }

    public byte[]? Raw { get; init; }

    public string? Url { get; init; }

    public JsonElement? Data { get; init; }

    public JsonElement? Metadata { get; init; }

    public string? Filename { get; init; }

    public string? MediaType { get; init; }

    public static Part FromText(string text) => new() { Text = text };

    public static Part FromData<T>(T data) => new() { Data = JsonSerializer.SerializeToElement(data, A2aJson.Options) };
}
