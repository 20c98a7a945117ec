namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>Which security schemes (by their key in the card) a call needs, each with the scopes it needs.</summary>
public sealed record SecurityRequirement
{
    public IReadOnlyDictionary<string, StringList> Schemes { get; init; } = new Dictionary<string, StringList>();
}

/// <summary>The proto's wrapper for a list of strings: <c>{ "list": [ … ] }</c>.</summary>
public sealed record StringList
{
    public IReadOnlyList<string> List { get; init; } = [];
}
