using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ClawGroups.AgentSimulator.Webhooks;

public enum SignatureCheck
{
    Valid,
    MissingTimestamp,
    MissingSignature,
    MalformedTimestamp,
    TimestampOutsideTolerance,
    MalformedSignature,
    SignatureMismatch,
}

/// <summary>
/// <c>X-Claw-Signature: sha256=&lt;hex HMAC-SHA256 of "&lt;X-Claw-Timestamp&gt;.&lt;raw body&gt;"&gt;</c>, keyed with the
/// UTF-8 bytes of the webhook secret as registration returned it (the whole <c>whsec_…</c> string).
/// </summary>
public static class WebhookSignature
{
    public const string Prefix = "sha256=";

    public static TimeSpan DefaultTolerance { get; } = TimeSpan.FromMinutes(5);

    public static string Compute(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentNullException.ThrowIfNull(timestamp);
        return Prefix + Convert.ToHexStringLower(Mac(secret, timestamp, body));
    }

    /// <summary>
    /// Checks a delivery. The timestamp must be within <paramref name="tolerance"/> of <paramref name="now"/> either
    /// way, so a captured delivery cannot be replayed later. Several signatures separated by commas or spaces
    /// (secret rotation) pass when any one matches.
    /// </summary>
    public static SignatureCheck Verify(
        string secret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (string.IsNullOrWhiteSpace(timestampHeader))
            return SignatureCheck.MissingTimestamp;
        if (string.IsNullOrWhiteSpace(signatureHeader))
            return SignatureCheck.MissingSignature;
        var timestamp = timestampHeader.Trim();
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return SignatureCheck.MalformedTimestamp;
        var sentAt = seconds > 253402300799 ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeSeconds(seconds);
        if ((now - sentAt).Duration() > tolerance)
            return SignatureCheck.TimestampOutsideTolerance;

        var expected = Mac(secret, timestamp, body);
        var anyWellFormed = false;
        foreach (var candidate in signatureHeader.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!candidate.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
                continue;
            var hex = candidate.AsSpan(Prefix.Length);
            if (hex.Length != expected.Length * 2 || !TryFromHex(hex, out var given))
                continue;
            anyWellFormed = true;
            if (CryptographicOperations.FixedTimeEquals(given, expected))
                return SignatureCheck.Valid;
        }
        return anyWellFormed ? SignatureCheck.SignatureMismatch : SignatureCheck.MalformedSignature;
    }

    private static byte[] Mac(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
    }

    private static bool TryFromHex(ReadOnlySpan<char> hex, out byte[] bytes)
    {
        bytes = new byte[hex.Length / 2];
        return Convert.FromHexString(hex, bytes, out _, out _) == System.Buffers.OperationStatus.Done;
    }
}
