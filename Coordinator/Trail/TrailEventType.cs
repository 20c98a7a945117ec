namespace ClawGroups.Coordinator.Trail;

/// <summary>
/// The type of a trail event. Its only instances are the members of <see cref="TrailEventTypes"/> (the constructor is
/// not public), so code cannot write a type the list does not hold, and the board's wording can be checked against
/// <see cref="TrailEventTypes.All"/>.
/// </summary>
public sealed class TrailEventType
{
    internal TrailEventType(string name) => Name = name;

    /// <summary>The name as it is stored and as the API writes it (<c>work.assigned</c>); agents and stored rows depend on it.</summary>
    public string Name { get; }

    public override string ToString() => Name;
}
