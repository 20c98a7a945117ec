using ClawGroups.Data.Database;

namespace ClawGroups.Data.Groups;

/// <summary>
/// A secret that lets an agent register into a group (<c>cg_join_…</c>) or a human accept an invite link.
/// One table serves both so that expiry, use counting and revocation have one implementation.
/// </summary>
public class JoinToken : IVersioned
{
    public Guid Id { get; set; }

    public Guid GroupId { get; set; }

    public Group? Group { get; set; }

    public JoinTokenAudience Audience { get; set; }

    public string Prefix { get; set; } = "";

    /// <summary>SHA-256 of the whole token, hex.</summary>
    public string TokenHash { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public Guid? CreatedByUserId { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public int MaxUses { get; set; }

    public int Uses { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Incremented on every change; a stale use of the token fails instead of over-counting.</summary>
    public long Version { get; set; }
}

public enum JoinTokenAudience
{
    Agent = 0,
    Human = 1,
}
