namespace ClawGroups.Data.Accounts;

/// <summary>
/// A human's API token (<c>cg_pat_…</c>). Only a hash of the secret is stored; <see cref="Prefix"/> is the
/// first characters, kept so that a person can recognise a token in a list without it being usable.
/// </summary>
public class PersonalAccessToken
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public ClawUser? User { get; set; }

    public string Name { get; set; } = "";

    public string Prefix { get; set; } = "";

    /// <summary>SHA-256 of the whole token, hex. Tokens carry 256 bits of entropy, so a fast hash is enough.</summary>
    public string TokenHash { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
