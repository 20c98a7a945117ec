using System.Security.Cryptography;
using System.Text;

namespace ClawGroups.Coordinator.Credentials;

/// <summary>
/// The bearer secrets Claw Groups issues (<c>cg_pat_…</c>, <c>cg_agent_…</c>, <c>cg_join_…</c>, <c>cg_invite_…</c>): 256 random bits
/// behind a readable prefix. Only <see cref="Hash"/> is stored. A fast hash is right here: with 256 bits of
/// entropy there is nothing to brute-force, and lookups by hash stay one indexed read.
/// </summary>
public static class SecretToken
{
    public const string PersonalAccessTokenPrefix = "cg_pat_";
    public const string AgentKeyPrefix = "cg_agent_";
    public const string JoinTokenPrefix = "cg_join_";

    /// <summary>An invite link for a human; stored as a join token with the human audience, never usable by an agent.</summary>
    public const string InvitePrefix = "cg_invite_";
    public const string WebhookSecretPrefix = "whsec_";

    /// <summary>How much of a token is kept in clear so a person can tell tokens apart in a list.</summary>
    public const int DisplayPrefixLength = 12;

    public static string Create(string prefix)
    {
        Span<byte> random = stackalloc byte[32];
        RandomNumberGenerator.Fill(random);
        return prefix + Base64UrlEncode(random);
    }

    public static string Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }

    public static string DisplayPrefix(string token)
        => token.Length <= DisplayPrefixLength ? token : token[..DisplayPrefixLength];

    /// <summary>Compares two secrets in time independent of where they differ.</summary>
    public static bool FixedTimeEquals(string a, string b)
        => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static string Base64UrlEncode(ReadOnlySpan<byte> bytes)
        => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
