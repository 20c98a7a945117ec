using System.Text.Json;
using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Coordinator.Agents;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.A2a;

/// <summary>
/// An A2A task as the server reads it: its state, the text of its status message, its artifacts as item artifacts, and
/// the result's summary — the mapping docs/API.md ("An A2A agent joins") fixes, in one place.
/// </summary>
public sealed record A2aTaskReading(
    string TaskId, string? ContextId, TaskState State, string? StatusText, IReadOnlyList<ArtifactUpload> Artifacts, string Fingerprint)
{
    /// <summary>The final status message's text, else the first artifact's text.</summary>
    public string? Summary => StatusText ?? Artifacts.FirstOrDefault()?.Content;

    public static A2aTaskReading Read(A2aTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var artifacts = new List<ArtifactUpload>();
        foreach (var artifact in task.Artifacts ?? [])
        {
            var content = PartsText(artifact.Parts, out var mediaType) ?? "";
            var name = !string.IsNullOrWhiteSpace(artifact.Name) ? artifact.Name : artifact.ArtifactId;
            artifacts.Add(new ArtifactUpload(Clip(name, WorkItemLimits.MaxArtifactNameLength), mediaType, content));
        }

        // What makes an update news: a new state, a new status (its time or message), or a new artifact.
        var status = task.Status;
        var fingerprint = Clip($"{status.State}|{status.Timestamp?.ToUnixTimeMilliseconds()}|{status.Message?.MessageId}|{artifacts.Count}",
            AssignmentLimits.MaxA2aIdLength);
        return new A2aTaskReading(task.Id, task.ContextId, status.State, MessageText(status.Message), artifacts, fingerprint);
    }

    /// <summary>The text of a message's parts (null when it has none).</summary>
    public static string? MessageText(Message? message) => message is null ? null : PartsText(message.Parts, out _);

    /// <summary>
    /// The text of parts: text parts as they are, data parts as JSON, file parts by their URL or name, joined by blank lines;
    /// and the media type they share (a part's own, else text/plain for text, application/json for data alone).
    /// </summary>
    public static string? PartsText(IReadOnlyList<Part> parts, out string mediaType)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var pieces = new List<string>();
        var allData = parts.Count > 0;
        foreach (var part in parts)
        {
            if (part.Text is { } text)
            {
                pieces.Add(text);
                allData = false;
            }
            else if (part.Data is { } data)
            {
                pieces.Add(JsonSerializer.Serialize(data));
            }
            else if ((part.Url ?? part.Filename) is { } reference)
            {
                pieces.Add(reference);
                allData = false;
            }
        }

        var declared = parts.Select(p => p.MediaType).FirstOrDefault(type => !string.IsNullOrWhiteSpace(type));
        mediaType = Clip(declared ?? (allData ? "application/json" : "text/plain"), WorkItemLimits.MaxArtifactMediaTypeLength);
        return pieces.Count == 0 ? null : string.Join("\n\n", pieces);
    }

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..length];
}
