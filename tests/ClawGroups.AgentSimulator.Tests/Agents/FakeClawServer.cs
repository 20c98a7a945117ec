using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClawGroups.AgentSimulator.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClawGroups.AgentSimulator.Tests.Agents;

/// <summary>
/// The agent half of docs/API.md, as little of it as the agent loop needs, on loopback: it records every call
/// and offers the work items a test queues. It stands in for the server, which these tests are not about.
/// </summary>
internal sealed class FakeClawServer : IAsyncDisposable
{
    public const string Secret = "whsec_fake_secret";
    public const string ApiKey = "cg_agent_fake";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<JsonObject> _offers = new();
    private readonly ConcurrentQueue<RecordedCall> _calls = new();
    private readonly StateSignal _signal = new();
    private readonly HttpClient _webhookClient = new();
    private int _deliveries;

    private FakeClawServer(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public JsonObject? Card { get; private set; }

    /// <summary>Answer 409 to progress and result for these items (the lease is gone).</summary>
    public ConcurrentDictionary<string, bool> LeaseGone { get; } = new();

    public IReadOnlyList<RecordedCall> Calls => [.. _calls];

    /// <summary>
    /// Answers given to an action's next calls before it is served (<c>"result"</c>, <c>"heartbeat"</c>): a 503 while
    /// the server restarts, a 409 "Request in progress" for a key whose first request died with the old process.
    /// </summary>
    public ConcurrentDictionary<string, ConcurrentQueue<(int Status, string Title)>> Refusals { get; } = new(StringComparer.Ordinal);

    public void Refuse(string action, int status, string title, int times = 1)
    {
        var queue = Refusals.GetOrAdd(action, _ => new ConcurrentQueue<(int, string)>());
        for (var i = 0; i < times; i++)
            queue.Enqueue((status, title));
    }

    public static async Task<FakeClawServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var server = new FakeClawServer(builder.Build());
        server.Map();
        await server._app.StartAsync();
        server.Url = new Uri(server._app.Urls.First());
        return server;
    }

    public void Offer(string id, string title = "Reconcile March") =>
        _offers.Enqueue(new JsonObject { ["id"] = id, ["title"] = title, ["description"] = "Match the statement to the ledger.", ["state"] = "assigned" });

    /// <summary>Signs and posts a delivery to the registered agent's url, as the server does.</summary>
    public async Task<HttpStatusCode> DeliverAsync(string type, JsonObject data, string? deliveryId = null)
    {
        var id = deliveryId ?? "dlv_" + Interlocked.Increment(ref _deliveries).ToString(CultureInfo.InvariantCulture);
        var body = new JsonObject { ["id"] = id, ["type"] = type, ["createdAt"] = DateTimeOffset.UtcNow, ["data"] = data }.ToJsonString();
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Card!["url"]!.GetValue<string>()))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Claw-Event", type);
        request.Headers.Add("X-Claw-Delivery", id);
        request.Headers.Add("X-Claw-Timestamp", timestamp);
        request.Headers.Add("X-Claw-Signature", WebhookSignature.Compute(Secret, timestamp, Encoding.UTF8.GetBytes(body)));
        using var response = await _webhookClient.SendAsync(request);
        return response.StatusCode;
    }

    public Task WaitUntilAsync(Func<FakeClawServer, bool> condition, TimeSpan timeout) =>
        _signal.WaitUntilAsync(() => condition(this), timeout, "the fake server's condition");

    public IEnumerable<RecordedCall> CallsTo(string action) => Calls.Where(c => c.Path.EndsWith("/" + action, StringComparison.Ordinal));

    private void Map()
    {
        _app.MapPost("/api/v1/agents", async (HttpContext context) =>
        {
            var body = await Record(context);
            if (context.Request.Headers.Authorization.ToString() != "Bearer cg_join_fake")
                return Results.Problem(title: "Bad join token", statusCode: 401);
            Card = body!.AsObject();
            return Results.Json(new { agentId = "agt_1", groupId = "grp_1", apiKey = ApiKey, webhookSecret = Secret }, statusCode: 201);
        });
        _app.MapGet("/api/v1/agents/{agentId}/work", async (HttpContext context, int waitSeconds) =>
        {
            await Record(context);
            var until = DateTimeOffset.UtcNow.AddSeconds(waitSeconds);
            while (true)
            {
                if (_offers.TryDequeue(out var item))
                    return Results.Json(item);
                if (DateTimeOffset.UtcNow >= until)
                    return Results.NoContent();
                await Task.Delay(20, context.RequestAborted);
            }
        });
        _app.MapPost("/api/v1/agents/{agentId}/heartbeat", async (HttpContext context) =>
        {
            await Record(context);
            return Refused("heartbeat") ?? Results.Ok();
        });
        _app.MapPost("/api/v1/agents/{agentId}/signoff", async (HttpContext context, string agentId) =>
        {
            await Record(context);
            return Results.Json(new { agentId, status = "offline", offersMovedOn = Array.Empty<string>() });
        });
        _app.MapPost("/api/v1/work-items/{id}/{action}", async (HttpContext context, string id, string action) =>
        {
            await Record(context);
            if (Refused(action) is { } refusal)
                return refusal;
            if (action is "progress" or "result" && LeaseGone.ContainsKey(id))
                return Results.Problem(title: "The lease was revoked", statusCode: 409, extensions: new Dictionary<string, object?> { ["state"] = "ready" });
            return Results.Json(new { id, state = action == "result" ? "inReview" : "inProgress" });
        });
    }

    private IResult? Refused(string action) =>
        Refusals.TryGetValue(action, out var queue) && queue.TryDequeue(out var refusal)
            ? Results.Problem(title: refusal.Title, statusCode: refusal.Status)
            : null;

    private async Task<JsonNode?> Record(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        var body = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        _calls.Enqueue(new RecordedCall(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.Headers.Authorization.ToString(),
            context.Request.Headers["Idempotency-Key"].ToString(),
            body));
        _signal.Pulse();
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        _webhookClient.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed record RecordedCall(string Method, string Path, string Authorization, string IdempotencyKey, JsonNode? Body);
