using ClawGroups.Data.WorkItems;

namespace ClawGroups.Data.Trail;

/// <summary>
/// One entry of the append-only audit trail: every change with its actor. Rows are only ever inserted;
/// the ever-increasing <see cref="Id"/> orders them ("oldest first") and lets live clients resume.
/// </summary>
public class TrailEvent
{
    public long Id { get; set; }

    public Guid GroupId { get; set; }

    public Guid? WorkItemId { get; set; }

    public Guid? AgentId { get; set; }

    public DateTimeOffset At { get; set; }

    public MemberKind ActorKind { get; set; }

    public Guid? ActorId { get; set; }

    /// <summary>The longest <see cref="Type"/> the column holds (changing it needs a migration).</summary>
    public const int MaxTypeLength = 100;

    /// <summary>Dotted type, e.g. <c>work.assigned</c>, <c>work.progress</c>, <c>agent.stalled</c>.</summary>
    public string Type { get; set; } = "";

    /// <summary>The event's details as JSON.</summary>
    public string DataJson { get; set; } = "{}";
}
