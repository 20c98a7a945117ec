namespace ClawGroups.Coordinator.Accounts;

/// <summary>A new personal access token: a name to recognise it by and, optionally, how many days it lives.</summary>
public sealed record CreateAccessTokenRequest(string? Name, int? ExpiresInDays);

/// <summary>The one answer that carries the token itself; afterwards only its prefix is ever shown.</summary>
public sealed record AccessTokenCreated(Guid Id, string Name, string Token, DateTimeOffset? ExpiresAt);

/// <summary>A personal access token as its owner's list shows it: never the secret.</summary>
public sealed record AccessTokenView(
    Guid Id,
    string Name,
    string Prefix,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt);
