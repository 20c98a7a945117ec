namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>How a push authenticates to the client's URL: an HTTP scheme (<c>Bearer</c>) and its credentials.</summary>
public sealed record AuthenticationInfo
{
    public required string Scheme { get; init; }

    public string? Credentials { get; init; }
}
