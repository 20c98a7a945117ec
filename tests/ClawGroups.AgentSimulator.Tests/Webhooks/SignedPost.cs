using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ClawGroups.AgentSimulator.Tests.Webhooks;

/// <summary>Posts deliveries the way the contract says the server does, signing them independently of the simulator.</summary>
internal static class SignedPost
{
    public const string Secret = "whsec_test_0123456789abcdef";

    public static string Body(string id, string type = "ping", string data = "{}") =>
        $$"""{"id":"{{id}}","type":"{{type}}","createdAt":"2025-01-01T00:00:00Z","data":{{data}}}""";

    public static string Sign(string secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    public static string Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient client, Uri url, string id, string body, string? timestamp, string? signature, string type = "ping")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Claw-Event", type);
        request.Headers.Add("X-Claw-Delivery", id);
        if (timestamp is not null)
            request.Headers.Add("X-Claw-Timestamp", timestamp);
        if (signature is not null)
            request.Headers.Add("X-Claw-Signature", signature);
        return await client.SendAsync(request);
    }

    /// <summary>A correctly signed delivery, stamped now.</summary>
    public static Task<HttpResponseMessage> SendSignedAsync(HttpClient client, Uri url, string id, string type = "ping", string data = "{}")
    {
        var body = Body(id, type, data);
        var timestamp = Now();
        return SendAsync(client, url, id, body, timestamp, Sign(Secret, timestamp, body), type);
    }
}
