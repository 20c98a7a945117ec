using System.Net;
using ClawGroups.AgentSimulator.Webhooks;

namespace ClawGroups.AgentSimulator.Tests.Webhooks;

public sealed class WebhookDeliveryTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_same_delivery_posted_twice_is_taken_in_once_and_both_are_answered_2xx()
    {
        await using var receiver = new WebhookReceiver(new WebhookReceiverOptions { Secret = SignedPost.Secret });
        await receiver.StartAsync();
        using var client = new HttpClient();

        var first = await SignedPost.SendSignedAsync(client, receiver.Url, "dup-1", "work.paused", """{"workItemId":"w-1"}""");
        var second = await SignedPost.SendSignedAsync(client, receiver.Url, "dup-1", "work.paused", """{"workItemId":"w-1"}""");

        Assert.True(first.IsSuccessStatusCode, $"first answered {(int)first.StatusCode}");
        Assert.True(second.IsSuccessStatusCode, $"second answered {(int)second.StatusCode}");
        Assert.Single(receiver.Received);
        Assert.Equal(1, receiver.DuplicatesSuppressed);
        Assert.Equal(2, receiver.AttemptsSeen("dup-1"));
        Assert.True(receiver.Deliveries.TryRead(out var delivery));
        Assert.Equal("dup-1", delivery.Id);
        Assert.False(receiver.Deliveries.TryRead(out _));
    }

    [Fact]
    public async Task Different_deliveries_are_each_taken_in_in_order()
    {
        await using var receiver = new WebhookReceiver(new WebhookReceiverOptions { Secret = SignedPost.Secret });
        await receiver.StartAsync();
        using var client = new HttpClient();

        await SignedPost.SendSignedAsync(client, receiver.Url, "a");
        await SignedPost.SendSignedAsync(client, receiver.Url, "b");

        var ids = new List<string>();
        using var deadline = new CancellationTokenSource(Deadline);
        await foreach (var delivery in receiver.Deliveries.ReadAllAsync(deadline.Token))
        {
            ids.Add(delivery.Id);
            if (ids.Count == 2)
                break;
        }
        Assert.Equal(["a", "b"], ids);
    }

    [Fact]
    public async Task A_flaky_receiver_answers_500_to_the_first_n_deliveries_then_2xx()
    {
        await using var receiver = new WebhookReceiver(new WebhookReceiverOptions { Secret = SignedPost.Secret, FailFirstDeliveries = 2 });
        await receiver.StartAsync();
        using var client = new HttpClient();

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 3; attempt++)
            statuses.Add((await SignedPost.SendSignedAsync(client, receiver.Url, "flaky-1", "work.assigned", """{"id":"w-1","title":"t"}""")).StatusCode);

        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.OK], statuses);
        var delivery = await receiver.WaitForAsync(d => d.Id == "flaky-1", Deadline);
        Assert.Equal(3, delivery.Attempt);
        Assert.Equal(2, receiver.FailedOnPurpose);
    }

    [Fact]
    public async Task A_flaky_receiver_takes_the_retried_delivery_in_exactly_once()
    {
        await using var receiver = new WebhookReceiver(new WebhookReceiverOptions { Secret = SignedPost.Secret, FailFirstDeliveries = 1 });
        await receiver.StartAsync();
        using var client = new HttpClient();

        for (var attempt = 0; attempt < 4; attempt++)
            await SignedPost.SendSignedAsync(client, receiver.Url, "flaky-2");

        Assert.Single(receiver.Received);
        Assert.Equal(2, receiver.DuplicatesSuppressed);
    }

    [Fact]
    public async Task A_receiver_without_its_secret_yet_asks_the_server_to_come_back_later()
    {
        await using var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        using var client = new HttpClient();

        var before = await SignedPost.SendSignedAsync(client, receiver.Url, "early");
        receiver.SetSecret(SignedPost.Secret);
        var after = await SignedPost.SendSignedAsync(client, receiver.Url, "early");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_signed_body_that_is_not_a_delivery_is_answered_400()
    {
        await using var receiver = new WebhookReceiver(new WebhookReceiverOptions { Secret = SignedPost.Secret });
        await receiver.StartAsync();
        using var client = new HttpClient();
        var timestamp = SignedPost.Now();

        var response = await SignedPost.SendAsync(client, receiver.Url, "bad", "not json", timestamp, SignedPost.Sign(SignedPost.Secret, timestamp, "not json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(receiver.Received);
    }
}
