using System.Text.Json;
using ClawGroups.Coordinator.Agents;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.A2a;

/// <summary>
/// An A2A task as the server reads it (A2A v1.0 JSON): its state, the text of its status message, its artifacts as item
/// artifacts, and the result's summary — the mapping docs/API.md ("An A2A agent joins") fixes, in one place.
/// </summary>
public sealed record A2aTaskReading(
    string TaskId, string? ContextId, string State, string? StatusText, IReadOnlyList<ArtifactUpload> Artifacts, string Fingerprint)
{
    /// <summary>The final status message's text, else the first artifact's text.</summary>
    public string? Summary => StatusText ?? Artifacts.FirstOrDefault()?.Content;

    /// <summary>Reads a <c>Task</c> object; null when it is not one (no id or no status state).</summary>
    public static A2aTaskReading? Read(JsonElement task)
    {
        if (task.ValueKind != JsonValueKind.Object || Text(task, "id") is not { Length: > 0 } id
            || !task.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object || Text(status, "state") is not { } state)
        {
            return null;
        }

        string? statusText = null;
        string? messageId = null;
        if (status.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
        {
            statusText = PartsText(message, out _);
            messageId = Text(message, "messageId");
        }

        var artifacts = new List<ArtifactUpload>();
        if (task.TryGetProperty("artifacts", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var artifact in list.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.Object))
            {
                var content = PartsText(artifact, out var mediaType) ?? "";
                var name = Text(artifact, "name") is { Length: > 0 } given ? given : Text(artifact, "artifactId") ?? $"artifact {artifacts.Count + 1}";
                artifacts.Add(new ArtifactUpload(Clip(name, WorkItemLimits.MaxArtifactNameLength), mediaType, content));
            }
        }

        // What makes an update news: a new state, a new status (its time or message), or a new artifact.
        var fingerprint = Clip($"{state}|{Text(status, "timestamp")}|{messageId}|{artifacts.Count}", AssignmentLimits.MaxA2aIdLength);
        return new A2aTaskReading(id, Text(task, "contextId"), state, statusText, artifacts, fingerprint);
    }

    /// <summary>The text of a message's parts (null when it has none).</summary>
    public static string? MessageText(JsonElement message) => message.ValueKind == JsonValueKind.Object ? PartsText(message, out _) : null;

    /// <summary>
    /// The text of a message's or an artifact's parts: text parts as they are, data parts as JSON, file parts by their URL,
    /// joined by blank lines; and the media type they share (a part's own, else text/plain for text, application/json for data).
    /// </summary>
    private static string? PartsText(JsonElement owner, out string mediaType)
    {
        mediaType = "text/plain";
        if (!owner.TryGetProperty("parts", out var parts) || parts.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var pieces = new List<string>();
        string? declared = null;
        var allData = true;
        foreach (var part in parts.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.Object))
        {
            declared ??= Text(part, "mediaType") is { Length: > 0 } type ? type : null;
            if (Text(part, "text") is { } text)
            {
                pieces.Add(text);
                allData = false;
            }
            else if (part.TryGetProperty("data", out var data))
            {
                pieces.Add(data.GetRawText());
            }
            else if (Text(part, "url") is { } url)
            {
                pieces.Add(url);
                allData = false;
            }
        }

        if (pieces.Count == 0)
        {
            return null;
        }

        mediaType = Clip(declared ?? (allData ? "application/json" : "text/plain"), WorkItemLimits.MaxArtifactMediaTypeLength);
        return string.Join("\n\n", pieces);
    }

    private static string? Text(JsonElement owner, string name)
        => owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..length];
}
