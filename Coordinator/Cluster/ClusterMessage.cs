using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClawGroups.Coordinator.Live;

namespace ClawGroups.Coordinator.Cluster;

/// <summary>
/// One notification between nodes, small enough for PostgreSQL's 8000-byte NOTIFY payload. <see cref="AgentKeysChanged"/>
/// travels alone, in the transaction that changed the keys (<see cref="IClusterBus.AgentKeyChangedAsync"/>); it is null in
/// every other message, and in any message from a node older than it.
/// </summary>
public sealed record ClusterMessage(
    [property: JsonPropertyName("n")] Guid Node,
    [property: JsonPropertyName("c")] IReadOnlyList<ClusterChange> Changes,
    [property: JsonPropertyName("a")] IReadOnlyList<Guid> AgentsWithNews,
    [property: JsonPropertyName("r"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<Guid>? AgentKeysChanged = null)
{
    /// <summary>Below PostgreSQL's limit with room to spare.</summary>
    public const int MaxPayloadBytes = 7000;

    public string Serialize() => JsonSerializer.Serialize(this);

    public static ClusterMessage? Parse(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize<ClusterMessage>(payload);
        }
        catch (JsonException)
        {
            // Not ours (someone else NOTIFYing on the channel) or from an incompatible version: ignore it.
            return null;
        }
    }

    /// <summary>Packs changes and agent ids into as few messages as fit the payload limit.</summary>
    public static IEnumerable<ClusterMessage> Pack(Guid node, IReadOnlyCollection<LiveChange> changes, IReadOnlyCollection<Guid> agents)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(agents);
        var pendingChanges = new List<ClusterChange>();
        var pendingAgents = new List<Guid>();
        var size = 64;
        foreach (var change in changes)
        {
            var entry = ClusterChange.From(change);
            var entrySize = Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(entry)) + 1;
            if (size + entrySize > MaxPayloadBytes)
            {
                yield return new ClusterMessage(node, pendingChanges, pendingAgents);
                (pendingChanges, pendingAgents, size) = ([], [], 64);
            }

            pendingChanges.Add(entry);
            size += entrySize;
        }

        foreach (var agent in agents)
        {
            const int agentSize = 39;
            if (size + agentSize > MaxPayloadBytes)
            {
                yield return new ClusterMessage(node, pendingChanges, pendingAgents);
                (pendingChanges, pendingAgents, size) = ([], [], 64);
            }

            pendingAgents.Add(agent);
            size += agentSize;
        }

        if (pendingChanges.Count > 0 || pendingAgents.Count > 0)
        {
            yield return new ClusterMessage(node, pendingChanges, pendingAgents);
        }
    }
}

/// <summary>A <see cref="LiveChange"/> on the wire: kind, group, id, event id.</summary>
public sealed record ClusterChange(
    [property: JsonPropertyName("k")] LiveChangeKind Kind,
    [property: JsonPropertyName("g")] Guid GroupId,
    [property: JsonPropertyName("i")] Guid Id,
    [property: JsonPropertyName("e")] long EventId)
{
    public static ClusterChange From(LiveChange change) => new(change.Kind, change.GroupId, change.Id, change.EventId);

    public LiveChange ToChange() => new(Kind, GroupId, Id, EventId);
}
