using System.Net;
using System.Text;
using System.Text.Json;
using ClawGroups.Coordinator.A2a;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Testing.Options;

namespace ClawGroups.Coordinator.Tests.A2a;

/// <summary>
/// The card URL is fetched under the webhook URL rules (docs/API.md, "An A2A agent joins"): private addresses refused
/// unless allowed, the webhook timeout, a size limit. The remote side is a stub handler: it stands for the agent's server.
/// </summary>
public sealed class A2aCardSourceTests
{
    private const string Card = """{ "name": "remote", "description": "from the card", "supportedInterfaces": [ { "url": "http://10.1.2.3/rpc", "protocolBinding": "JSONRPC", "protocolVersion": "1.0" } ] }""";

    [Fact]
    public async Task A_card_url_on_a_private_address_is_refused_unless_private_addresses_are_allowed()
    {
        var handler = new StubHandler((_, _) => Task.FromResult(Json(Card)));

        var refused = await Source(handler, allowPrivate: false).FetchAsync("http://10.1.2.3/.well-known/agent-card.json", CancellationToken.None);
        var allowed = await Source(handler, allowPrivate: true).FetchAsync("http://10.1.2.3/.well-known/agent-card.json", CancellationToken.None);

        Assert.Equal(FailureKind.Invalid, refused.Failure?.Kind);
        Assert.Contains("cardUrl", refused.Failure!.Errors!.Keys);
        Assert.Equal(1, handler.Calls);
        Assert.Equal("remote", allowed.Value!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_card_larger_than_the_limit_is_refused()
    {
        var huge = $$"""{ "name": "big", "description": "{{new string('x', 300 * 1024)}}" }""";
        var handler = new StubHandler((_, _) => Task.FromResult(Json(huge)));

        var outcome = await Source(handler, allowPrivate: true).FetchAsync("http://10.1.2.3/card.json", CancellationToken.None);

        Assert.Equal(FailureKind.Invalid, outcome.Failure?.Kind);
        Assert.Contains("larger than", outcome.Failure!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_card_that_does_not_arrive_within_the_webhook_timeout_is_refused()
    {
        var handler = new StubHandler(async (_, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return Json(Card);
        });

        var outcome = await Source(handler, allowPrivate: true, timeoutSeconds: 1).FetchAsync("http://10.1.2.3/card.json", CancellationToken.None);

        Assert.Equal(FailureKind.Invalid, outcome.Failure?.Kind);
        Assert.Contains("within 1 s", outcome.Failure!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fields_sent_beside_the_card_url_override_the_cards()
    {
        var handler = new StubHandler((_, _) => Task.FromResult(Json(Card)));
        using var body = JsonDocument.Parse("""{ "delivery": "a2a", "cardUrl": "http://10.1.2.3/card.json", "name": "local name", "capacity": 3 }""");

        var outcome = await Source(handler, allowPrivate: true).ResolveAsync(body.RootElement, CancellationToken.None);

        var (card, cardUrl) = outcome.Value;
        Assert.Equal("http://10.1.2.3/card.json", cardUrl);
        Assert.Equal("local name", card.GetProperty("name").GetString());
        Assert.Equal("from the card", card.GetProperty("description").GetString());
        Assert.Equal(3, card.GetProperty("capacity").GetInt32());
        Assert.False(card.TryGetProperty("cardUrl", out _));
    }

    [Fact]
    public void The_json_rpc_endpoint_and_push_capability_are_read_from_the_card()
    {
        using var card = JsonDocument.Parse("""
            { "supportedInterfaces": [ { "url": "https://a.example/grpc", "protocolBinding": "GRPC" },
                                       { "url": "https://a.example/rpc", "protocolBinding": "JSONRPC" } ],
              "capabilities": { "pushNotifications": true } }
            """);
        using var none = JsonDocument.Parse("""{ "supportedInterfaces": [ { "url": "https://a.example/grpc", "protocolBinding": "GRPC" } ] }""");

        var facts = A2aCardFacts.Read(card.RootElement);
        var missing = A2aCardFacts.Read(none.RootElement);

        Assert.Equal(new A2aCardFacts("https://a.example/rpc", true), facts.Value);
        Assert.Equal(FailureKind.Invalid, missing.Failure?.Kind);
    }

    private static A2aCardSource Source(StubHandler handler, bool allowPrivate, int timeoutSeconds = 10)
    {
        var webhooks = new FixedOptionsMonitor<WebhookOptions>(new WebhookOptions { AllowPrivateAddresses = allowPrivate, TimeoutSeconds = timeoutSeconds });
        return new A2aCardSource(new StubClients(handler), new WebhookUrlPolicy(webhooks), webhooks, new FixedOptionsMonitor<A2aOptions>(new A2aOptions()));
    }

    private static HttpResponseMessage Json(string json) => new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private sealed class StubHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return answer(request, cancellationToken);
        }
    }

    private sealed class StubClients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
