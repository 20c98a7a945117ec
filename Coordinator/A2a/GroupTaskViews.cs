using System.Globalization;
using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Coordinator.A2a;

/// <summary>
/// A work item as the A2A task it is to the client: the task id and the context id are the item's id; a finished item's
/// summary is the final status message and its artifacts are the task's artifacts (one text part each, with its media type).
/// </summary>
public static class GroupTaskViews
{
    public static A2aTask ToTask(this WorkItemView item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var id = TaskId(item.Id);
        return new A2aTask
        {
            Id = id,
            ContextId = id,
            Status = item.ToStatus(),
            Artifacts = item.Result is { Artifacts.Count: > 0 } result ? result.Artifacts.Select(a => a.ToArtifact()).ToList() : null,
        };
    }

    public static A2aTaskStatus ToStatus(this WorkItemView item)
    {
        ArgumentNullException.ThrowIfNull(item);
        // The assignee's open question (an A2A agent's input-required) is the client's to answer: its reply on the same task
        // goes to the assignee as a message (GroupTaskMessages), which is the answer.
        var state = GroupTaskStates.Of(WorkItemStates.Parse(item.State), waitsForAnswer: item.Question is not null);
        var text = state switch
        {
            TaskState.Completed => item.Result?.Summary,
            TaskState.Working => item.Progress.Message,
            TaskState.InputRequired => item.Question?.Text,
            _ => null,
        };
        return new A2aTaskStatus
        {
            State = state,
            Timestamp = item.StateChangedAt > item.UpdatedAt ? item.StateChangedAt : item.UpdatedAt,
            Message = string.IsNullOrEmpty(text) ? null : new Message
            {
                MessageId = $"{item.Id:N}-{item.UpdatedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}",
                ContextId = TaskId(item.Id),
                TaskId = TaskId(item.Id),
                Role = Role.Agent,
                Parts = [Part.FromText(text)],
            },
        };
    }

    public static A2aArtifact ToArtifact(this ArtifactView artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        return new A2aArtifact
        {
            ArtifactId = artifact.Id.ToString(),
            Name = artifact.Name,
            Parts = [ContentOf(artifact)],
        };
    }

    /// <summary>Text stays text; binary content (kept as base64, see <c>Artifact.Content</c>) goes out as a raw part.</summary>
    private static Part ContentOf(ArtifactView artifact)
    {
        var textual = artifact.MediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || artifact.MediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase)
            || artifact.MediaType.EndsWith("xml", StringComparison.OrdinalIgnoreCase);
        var bytes = new byte[artifact.Content.Length];
        return !textual && Convert.TryFromBase64String(artifact.Content, bytes, out var length)
            ? new Part { Raw = bytes[..length], Filename = artifact.Name, MediaType = artifact.MediaType }
            : new Part { Text = artifact.Content, MediaType = artifact.MediaType };
    }

    public static string TaskId(Guid workItemId) => workItemId.ToString();
}
