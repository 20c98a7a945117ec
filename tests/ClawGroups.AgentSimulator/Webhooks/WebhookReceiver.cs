using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.AgentSimulator.Webhooks;

public sealed record WebhookReceiverOptions
{
    /// <summary>The webhook secret; may be left out and set later with <see cref="WebhookReceiver.SetSecret"/>.</summary>
    public string? Secret { get; init; }

    /// <summary>Answer 500 to this many signed deliveries before answering 2xx (flaky mode). <c>int.MaxValue</c>: always.</summary>
    public int FailFirstDeliveries { get; init; }

    public string Path { get; init; } = "/claw-webhook";

    public TimeSpan TimestampTolerance { get; init; } = WebhookSignature.DefaultTolerance;

    public int MaxBodyBytes { get; init; } = 1024 * 1024;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ILoggerFactory? LoggerFactory { get; init; }
}

/// <summary>
/// An agent's webhook endpoint: Kestrel on 127.0.0.1, a free port. Verifies each delivery's signature and
/// timestamp (401 otherwise), answers 2xx once a delivery is taken in, and takes each delivery id in once, however
/// often it comes (at-least-once delivery). Deliveries taken in are readable from <see cref="Deliveries"/> (one
/// reader: the agent loop) and, for tests, from <see cref="Received"/> with <see cref="WaitForAsync"/>.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebhookReceiverOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<WebhookDelivery> _channel = Channel.CreateUnbounded<WebhookDelivery>(new UnboundedChannelOptions { SingleReader = false });
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _taken = new(StringComparer.Ordinal);
    private readonly List<WebhookDelivery> _received = [];
    private readonly List<RejectedDelivery> _rejected = [];
    private readonly Lock _lock = new();
    private readonly StateSignal _signal = new();
    private WebApplication? _app;
    private Uri? _url;
    private string? _secret;
    private int _failuresLeft;
    private int _failedOnPurpose;
    private int _duplicates;

    public WebhookReceiver(WebhookReceiverOptions? options = null)
    {
        _options = options ?? new WebhookReceiverOptions();
        _logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<WebhookReceiver>();
        _secret = _options.Secret;
        _failuresLeft = _options.FailFirstDeliveries;
    }

    /// <summary>The URL to put in the agent card; set once started.</summary>
    public Uri Url => _url ?? throw new InvalidOperationException("The webhook receiver is not started.");

    /// <summary>Deliveries taken in, in order, each once.</summary>
    public ChannelReader<WebhookDelivery> Deliveries => _channel.Reader;

    public IReadOnlyList<WebhookDelivery> Received
    {
        get { lock (_lock) return [.. _received]; }
    }

    /// <summary>Requests refused with 401 (bad or missing signature, timestamp out of tolerance).</summary>
    public IReadOnlyList<RejectedDelivery> Rejected
    {
        get { lock (_lock) return [.. _rejected]; }
    }

    public int BadSignatureCount => Rejected.Count;

    /// <summary>Deliveries answered 2xx again without being taken in again.</summary>
    public int DuplicatesSuppressed => Volatile.Read(ref _duplicates);

    /// <summary>Deliveries answered 500 on purpose (flaky or failing mode).</summary>
    public int FailedOnPurpose => Volatile.Read(ref _failedOnPurpose);

    /// <summary>How many signed requests have carried this delivery id, whatever the answer.</summary>
    public int AttemptsSeen(string deliveryId) => _attempts.TryGetValue(deliveryId, out var count) ? count : 0;

    public void SetSecret(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        Volatile.Write(ref _secret, secret);
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_app is not null)
            throw new InvalidOperationException("The webhook receiver is already started.");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        if (_options.LoggerFactory is not null)
            builder.Services.AddSingleton(_options.LoggerFactory);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = _options.MaxBodyBytes;
        });
        var app = builder.Build();
        app.MapPost(_options.Path, (Func<HttpContext, Task<IResult>>)HandleAsync);
        await app.StartAsync(cancellationToken);
        _app = app;

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _url = new Uri(new Uri(address), _options.Path);
        _logger.LogInformation("Webhook receiver listening on {WebhookUrl}", _url);
    }

    /// <summary>Waits until a delivery taken in matches, and returns it; <see cref="TimeoutException"/> at the deadline.</summary>
    public async Task<WebhookDelivery> WaitForAsync(Func<WebhookDelivery, bool> match, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        WebhookDelivery? found = null;
        await _signal.WaitUntilAsync(() => (found = Received.FirstOrDefault(match)) is not null, timeout, "a matching webhook delivery", cancellationToken);
        return found!;
    }

    /// <summary>Waits until a condition over this receiver holds (e.g. a count of refused requests).</summary>
    public Task WaitUntilAsync(Func<WebhookReceiver, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _signal.WaitUntilAsync(() => condition(this), timeout, "the webhook receiver's condition", cancellationToken);

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var request = context.Request;
        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, context.RequestAborted);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Results.Problem(title: "Delivery too large", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var headerId = request.Headers["X-Claw-Delivery"].ToString();
        var secret = Volatile.Read(ref _secret);
        if (secret is null)
        {
            // Registration has not returned the secret yet: ask the server to come back.
            return Results.Problem(title: "Not ready for deliveries yet", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var check = WebhookSignature.Verify(
            secret,
            request.Headers["X-Claw-Timestamp"].ToString(),
            request.Headers["X-Claw-Signature"].ToString(),
            body,
            _options.TimeProvider.GetUtcNow(),
            _options.TimestampTolerance);
        if (check != SignatureCheck.Valid)
        {
            lock (_lock)
                _rejected.Add(new RejectedDelivery(NullIfEmpty(headerId), check, _options.TimeProvider.GetUtcNow()));
            _logger.LogWarning("Webhook delivery {DeliveryId} refused: {SignatureCheck}", headerId, check);
            _signal.Pulse();
            return Results.Problem(title: "Bad signature", detail: check.ToString(), statusCode: StatusCodes.Status401Unauthorized);
        }

        if (!WebhookEnvelope.TryRead(request.Headers, body, out var envelope))
            return Results.Problem(title: "Malformed delivery", detail: "Expected { id, type, createdAt, data } with an id and a type.", statusCode: StatusCodes.Status400BadRequest);
        var (id, type) = (envelope.Id, envelope.Type);

        var attempt = _attempts.AddOrUpdate(id, 1, (_, seen) => seen + 1);
        if (TryFailOnPurpose())
        {
            _logger.LogInformation("Webhook delivery {DeliveryId} ({EventType}) answered 500 on purpose, attempt {Attempt}", id, type, attempt);
            _signal.Pulse();
            return Results.Problem(title: "Simulated failure", statusCode: StatusCodes.Status500InternalServerError);
        }

        if (!_taken.TryAdd(id, 0))
        {
            Interlocked.Increment(ref _duplicates);
            _logger.LogInformation("Webhook delivery {DeliveryId} ({EventType}) seen before, attempt {Attempt}: answered 200, not taken in again", id, type, attempt);
            _signal.Pulse();
            return Results.Ok();
        }

        var delivery = new WebhookDelivery(id, type, envelope.CreatedAt, envelope.Data, attempt, _options.TimeProvider.GetUtcNow());
        lock (_lock)
            _received.Add(delivery);
        _channel.Writer.TryWrite(delivery);
        _logger.LogDebug("Webhook delivery {DeliveryId} ({EventType}) taken in", id, type);
        _signal.Pulse();
        return Results.Ok();
    }

    private bool TryFailOnPurpose()
    {
        while (true)
        {
            var left = Volatile.Read(ref _failuresLeft);
            if (left <= 0)
                return false;
            var next = left == int.MaxValue ? left : left - 1;
            if (Interlocked.CompareExchange(ref _failuresLeft, next, left) == left)
            {
                Interlocked.Increment(ref _failedOnPurpose);
                return true;
            }
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
            _app = null;
        }
    }
}
