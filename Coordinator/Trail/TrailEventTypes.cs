namespace ClawGroups.Coordinator.Trail;

/// <summary>Trail event types that code reads back, not only writes: the writer and the reader share the name.</summary>
public static class TrailEventTypes
{
    /// <summary>An agent's result arrived; its time is when the work was done, whatever review follows.</summary>
    public const string Result = "work.result";

    /// <summary>The coordinator held an item for a person to route, with how sure it was and its best candidates.</summary>
    public const string NeedsRouting = "work.needsRouting";

    /// <summary>The feedback job tuned a group's skill model (adopted or not), with what it measured.</summary>
    public const string ModelTuned = "model.tuned";
}
