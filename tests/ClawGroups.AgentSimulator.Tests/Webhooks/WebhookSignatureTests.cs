using System.Globalization;
using System.Net;
using ClawGroups.AgentSimulator.Webhooks;

namespace ClawGroups.AgentSimulator.Tests.Webhooks;

public sealed class WebhookSignatureTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly WebhookReceiver _receiver = new(new WebhookReceiverOptions { Secret = SignedPost.Secret });
    private readonly HttpClient _client = new();

    public Task InitializeAsync() => _receiver.StartAsync();

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_correctly_signed_delivery_is_answered_2xx_and_taken_in()
    {
        var response = await SignedPost.SendSignedAsync(_client, _receiver.Url, "d-1", "work.message", """{"workItemId":"w-1","text":"hi","from":"ada"}""");

        Assert.True(response.IsSuccessStatusCode, $"answered {(int)response.StatusCode}");
        var delivery = await _receiver.WaitForAsync(d => d.Id == "d-1", Deadline);
        Assert.Equal("work.message", delivery.Type);
        Assert.Equal("hi", delivery.DataString("text"));
        Assert.Equal(1, delivery.Attempt);
        Assert.Equal(0, _receiver.BadSignatureCount);
    }

    [Fact]
    public async Task A_signature_with_uppercase_hex_is_accepted()
    {
        var body = SignedPost.Body("d-upper");
        var timestamp = SignedPost.Now();
        var signature = "sha256=" + SignedPost.Sign(SignedPost.Secret, timestamp, body)["sha256=".Length..].ToUpperInvariant();

        var response = await SignedPost.SendAsync(_client, _receiver.Url, "d-upper", body, timestamp, signature);

        Assert.True(response.IsSuccessStatusCode, $"answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task A_delivery_signed_with_another_secret_is_refused_with_401_and_recorded()
    {
        var body = SignedPost.Body("d-2");
        var timestamp = SignedPost.Now();

        var response = await SignedPost.SendAsync(_client, _receiver.Url, "d-2", body, timestamp, SignedPost.Sign("whsec_someone_else", timestamp, body));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var rejected = Assert.Single(_receiver.Rejected);
        Assert.Equal(("d-2", SignatureCheck.SignatureMismatch), (rejected.DeliveryId, rejected.Reason));
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task A_body_changed_after_signing_is_refused_with_401()
    {
        var timestamp = SignedPost.Now();
        var signature = SignedPost.Sign(SignedPost.Secret, timestamp, SignedPost.Body("d-3", data: """{"workItemId":"w-1"}"""));

        var response = await SignedPost.SendAsync(_client, _receiver.Url, "d-3", SignedPost.Body("d-3", data: """{"workItemId":"w-2"}"""), timestamp, signature);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, _receiver.BadSignatureCount);
        Assert.Empty(_receiver.Received);
    }

    [Theory]
    [InlineData(-6 * 60)]
    [InlineData(6 * 60)]
    public async Task A_delivery_stamped_more_than_five_minutes_away_is_refused_with_401_even_if_signed(int offsetSeconds)
    {
        var body = SignedPost.Body("d-4");
        var timestamp = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + offsetSeconds).ToString(CultureInfo.InvariantCulture);

        var response = await SignedPost.SendAsync(_client, _receiver.Url, "d-4", body, timestamp, SignedPost.Sign(SignedPost.Secret, timestamp, body));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(SignatureCheck.TimestampOutsideTolerance, Assert.Single(_receiver.Rejected).Reason);
    }

    [Fact]
    public async Task A_delivery_stamped_four_minutes_ago_is_accepted()
    {
        var body = SignedPost.Body("d-5");
        var timestamp = DateTimeOffset.UtcNow.AddMinutes(-4).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        var response = await SignedPost.SendAsync(_client, _receiver.Url, "d-5", body, timestamp, SignedPost.Sign(SignedPost.Secret, timestamp, body));

        Assert.True(response.IsSuccessStatusCode, $"answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task A_delivery_without_a_signature_header_is_refused_with_401()
    {
        var response = await SignedPost.SendAsync(_client, _receiver.Url, "d-6", SignedPost.Body("d-6"), SignedPost.Now(), signature: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(SignatureCheck.MissingSignature, Assert.Single(_receiver.Rejected).Reason);
    }

    [Fact]
    public async Task A_delivery_without_a_timestamp_header_is_refused_with_401()
    {
        var body = SignedPost.Body("d-7");
        var response = await SignedPost.SendAsync(_client, _receiver.Url, "d-7", body, timestamp: null, SignedPost.Sign(SignedPost.Secret, SignedPost.Now(), body));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(SignatureCheck.MissingTimestamp, Assert.Single(_receiver.Rejected).Reason);
    }

    [Fact]
    public async Task A_signature_that_is_not_sha256_hex_is_refused_with_401()
    {
        var response = await SignedPost.SendAsync(_client, _receiver.Url, "d-8", SignedPost.Body("d-8"), SignedPost.Now(), "sha256=not-hex");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(SignatureCheck.MalformedSignature, Assert.Single(_receiver.Rejected).Reason);
    }

    [Fact]
    public void The_simulator_signs_exactly_as_an_independent_HMAC_does()
    {
        var body = SignedPost.Body("d-9");

        var signature = WebhookSignature.Compute(SignedPost.Secret, "1700000000", System.Text.Encoding.UTF8.GetBytes(body));

        Assert.Equal(SignedPost.Sign(SignedPost.Secret, "1700000000", body), signature);
    }
}
