using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ClawGroups.Coordinator.Webhooks;

/// <summary><c>X-Claw-Signature: sha256=&lt;hex HMAC-SHA256 of "&lt;timestamp&gt;.&lt;raw body&gt;"&gt;</c>, keyed with the agent's webhook secret.</summary>
public static class WebhookSignature
{
    public static string Compute(string secret, long unixSeconds, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(body);
        var signed = Encoding.UTF8.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + "." + body);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
