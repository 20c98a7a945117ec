using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using ClawGroups.AgentSimulator.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Benchmarks.Soak;

/// <summary>
/// One Kestrel listener for all the soak's webhook agents, each at <c>/agents/{n}</c>: a thousand agents do not need a
/// thousand ports. It checks each delivery's signature with that agent's secret (the simulator's
/// <see cref="WebhookSignature"/>), takes each delivery id in once (deliveries are at least once), and hands it to the agent.
/// </summary>
internal sealed class SoakWebhooks : IAsyncDisposable
{
    private readonly ConcurrentDictionary<int, (string Secret, SoakAgent Agent)> _agents = new();
    private readonly ConcurrentDictionary<string, byte> _taken = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private Uri? _baseUrl;
    private int _refused;
    private int _badSignatures;
    private int _duplicates;

    /// <summary>Deliveries answered 503 because their agent was silent (down) at the time.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public int BadSignatures => Volatile.Read(ref _badSignatures);

    /// <summary>Deliveries that came again after being taken in: answered 200, not taken in twice.</summary>
    public int Duplicates => Volatile.Read(ref _duplicates);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/agents/{number:int}", (Func<int, HttpContext, Task<IResult>>)HandleAsync);
        await app.StartAsync();
        _app = app;
        _baseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>The URL for the agent card of the <paramref name="number"/>th agent, before it is registered.</summary>
    public Uri UrlOf(int number) =>
        new(_baseUrl ?? throw new InvalidOperationException("The listener is not started."), $"/agents/{number.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Once registration has returned the secret; until then the agent's deliveries are answered 503 and come again.</summary>
    public void Add(int number, string secret, SoakAgent agent) => _agents[number] = (secret, agent);

    private async Task<IResult> HandleAsync(int number, HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        if (!_agents.TryGetValue(number, out var agent))
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);

        var headers = context.Request.Headers;
        var check = WebhookSignature.Verify(
            agent.Secret, headers["X-Claw-Timestamp"].ToString(), headers["X-Claw-Signature"].ToString(), body, DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance);
        if (check != SignatureCheck.Valid)
        {
            Interlocked.Increment(ref _badSignatures);
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        if (!WebhookEnvelope.TryRead(headers, body, out var delivery))
            return Results.BadRequest();
        if (_taken.ContainsKey(delivery.Id))
        {
            Interlocked.Increment(ref _duplicates);
            return Results.Ok();
        }

        if (!agent.Agent.TakeDelivery(delivery))
        {
            Interlocked.Increment(ref _refused);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        _taken.TryAdd(delivery.Id, 0);
        return Results.Ok();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
