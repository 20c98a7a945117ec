using System.Collections.Concurrent;
using System.Net;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.AgentSimulator.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.AgentSimulator.Agents;

/// <summary>
/// An agent as one in the wild would be written against docs/API.md: it registers with a join token,
/// heartbeats, takes work by webhook or long polling, accepts, reports progress, posts a result, and reacts to
/// revocations, messages, pauses and rejections. Its <see cref="AgentBehaviour"/> makes it diligent, slow, silent,
/// failing or flaky. What it has seen and done is in <see cref="Observed"/>.
/// </summary>
public sealed partial class SimulatedAgent : IAsyncDisposable
{
    private readonly SimulatedAgentOptions _options;
    private readonly ILogger _logger;
    private readonly StateSignal _signal = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, WorkRun> _runs = new(StringComparer.Ordinal);
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly List<Task> _loops = [];
    private ClawApiClient? _api;
    private volatile bool _silent;

    /// <summary>Held while a heartbeat is being sent, and while going silent.</summary>
    private readonly SemaphoreSlim _speaking = new(1, 1);
    private int _disposed;

    public SimulatedAgent(SimulatedAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Delivery is not (AgentDelivery.Webhook or AgentDelivery.Pull))
            throw new ArgumentException($"Delivery is '{AgentDelivery.Webhook}' or '{AgentDelivery.Pull}', not '{options.Delivery}'.", nameof(options));
        _options = options;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SimulatedAgent>();
        _ownsHttp = options.HttpClient is null;
        _http = options.HttpClient ?? new HttpClient();
        _http.BaseAddress ??= options.ServerUrl;
        Observed = new AgentObservations(_signal);
    }

    public string Name => _options.Name;

    public AgentBehaviour Behaviour => _options.Behaviour;

    /// <summary>What registration returned; null before <see cref="StartAsync"/>.</summary>
    public AgentRegistration? Registration { get; private set; }

    public string AgentId => Registration?.AgentId ?? throw new InvalidOperationException($"Agent {Name} is not registered yet.");

    /// <summary>The API as this agent (its key as bearer), for tests that act in its name.</summary>
    public ClawApiClient Api => _api ?? throw new InvalidOperationException($"Agent {Name} is not registered yet.");

    /// <summary>The agent's webhook endpoint; null for pull agents.</summary>
    public WebhookReceiver? Webhook { get; private set; }

    public AgentObservations Observed { get; }

    /// <summary>True once a silent agent has accepted an item and gone quiet.</summary>
    public bool IsSilent => _silent;

    /// <summary>Items accepted and not yet finished, revoked or given up.</summary>
    public IReadOnlyCollection<string> ActiveWorkItems => [.. _runs.Keys];

    public bool IsPaused(string workItemId) => _runs.TryGetValue(workItemId, out var run) && run.IsPaused;

    public int DuplicatesSuppressed => Webhook?.DuplicatesSuppressed ?? 0;

    public int BadSignatures => Webhook?.BadSignatureCount ?? 0;

    /// <summary>Makes an agent and starts it.</summary>
    public static async Task<SimulatedAgent> StartAsync(SimulatedAgentOptions options, CancellationToken cancellationToken = default)
    {
        var agent = new SimulatedAgent(options);
        try
        {
            await agent.StartAsync(cancellationToken);
            return agent;
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Opens the webhook endpoint (webhook delivery), registers, and starts heartbeating and taking work in the
    /// background until disposed. Registration failures surface here as <see cref="ClawApiException"/>.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Registration is not null)
            throw new InvalidOperationException($"Agent {Name} is already started.");
        Uri? url = null;
        if (_options.Delivery == AgentDelivery.Webhook)
        {
            Webhook = new WebhookReceiver(new WebhookReceiverOptions
            {
                FailFirstDeliveries = _options.Behaviour.WebhookFailures,
                LoggerFactory = _options.LoggerFactory,
                TimeProvider = _options.TimeProvider,
            });
            await Webhook.StartAsync(cancellationToken);
            url = Webhook.Url;
        }

        var card = _options.Profile with { Name = Name, Url = url, Delivery = _options.Delivery };
        var anonymous = new ClawApiClient(_http);
        Registration = await anonymous.RegisterAgentAsync(_options.JoinToken, card, cancellationToken);
        _api = anonymous.WithToken(Registration.ApiKey);
        if (Webhook is not null)
        {
            Webhook.SetSecret(Registration.WebhookSecret
                ?? throw new InvalidOperationException($"Registration of webhook agent {Name} returned no webhookSecret."));
        }
        _logger.LogInformation(
            "Agent {Agent} registered as {AgentId} in group {GroupId}: {Delivery} delivery, behaviour {Behaviour}",
            Name, Registration.AgentId, Registration.GroupId, _options.Delivery, _options.Behaviour);

        _loops.Add(Task.Run(() => HeartbeatLoopAsync(_stopping.Token), CancellationToken.None));
        _loops.Add(Webhook is not null
            ? Task.Run(() => DeliveryLoopAsync(Webhook, _stopping.Token), CancellationToken.None)
            : Task.Run(() => PullLoopAsync(_stopping.Token), CancellationToken.None));
    }

    /// <summary>Waits until <paramref name="condition"/> holds; <see cref="TimeoutException"/> at the deadline.</summary>
    public Task WaitUntilAsync(Func<SimulatedAgent, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return _signal.WaitUntilAsync(() => condition(this), timeout, $"agent {Name}'s condition", cancellationToken);
    }

    private async Task HeartbeatLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested && !_silent)
        {
            // Going silent waits for a heartbeat in flight: once IsSilent is true, the server hears nothing more.
            await _speaking.WaitAsync(stopping);
            try
            {
                if (_silent)
                {
                    return;
                }

                // One body for every try: a retry with the same Idempotency-Key must repeat the request to the letter.
                var busy = !_runs.IsEmpty;
                var heartbeat = new Heartbeat(busy ? HeartbeatStatus.Busy : HeartbeatStatus.Idle, busy ? $"working on {_runs.Count}" : null);
                await CallAsync((key, ct) => Api.HeartbeatAsync(AgentId, heartbeat, key, ct), stopping);
                Observed.Heartbeat();
            }
            catch (Exception e) when (IsCallFailure(e, stopping))
            {
                Fail("", "heartbeat", e);
            }
            finally
            {
                _speaking.Release();
            }

            await Task.Delay(_options.Timings.HeartbeatInterval, _options.TimeProvider, stopping);
        }
    }

    private async Task PullLoopAsync(CancellationToken stopping)
    {
        var wait = Math.Clamp(_options.Timings.PullWaitSeconds, 0, 30);
        while (!stopping.IsCancellationRequested && !_silent)
        {
            WorkItem? item;
            try
            {
                item = await Api.PullWorkAsync(AgentId, wait, stopping);
            }
            catch (Exception e) when (IsCallFailure(e, stopping))
            {
                Fail("", "pull", e);
                await Task.Delay(_options.Timings.ErrorBackoff, _options.TimeProvider, stopping);
                continue;
            }
            if (item is not null)
                await OfferAsync(item, stopping);
        }
    }

    private async Task DeliveryLoopAsync(WebhookReceiver webhook, CancellationToken stopping)
    {
        await foreach (var delivery in webhook.Deliveries.ReadAllAsync(stopping))
            await HandleDeliveryAsync(delivery, stopping);
    }

    /// <summary>
    /// Calls with one idempotency key, retrying transport failures, 5xx and 429 a few times (or for
    /// <see cref="AgentTimings.RetryFor"/>) with the same key, so that a retry the server already acted on changes nothing.
    /// </summary>
    private async Task<ClawApiResponse> CallAsync(Func<string, CancellationToken, Task<ClawApiResponse>> call, CancellationToken cancellationToken)
    {
        var key = Guid.NewGuid().ToString("N");
        var retryFor = _options.Timings.RetryFor;
        var retryUntil = retryFor is { } window ? _options.TimeProvider.GetUtcNow() + window : (DateTimeOffset?)null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(key, cancellationToken);
            }
            catch (Exception e) when (
                retryUntil is { } until
                    ? _options.TimeProvider.GetUtcNow() < until && (IsTransient(e, cancellationToken) || IsStillRunning(e))
                    : attempt < 3 && IsTransient(e, cancellationToken))
            {
                var backoff = e is ClawApiException { RetryAfter: { } after } && after > TimeSpan.Zero
                    ? after
                    : retryUntil is null ? _options.Timings.ErrorBackoff * attempt : _options.Timings.ErrorBackoff;
                _logger.LogWarning("Agent {Agent}: {Error}; trying again in {Backoff}", Name, e.Message, backoff);
                await Task.Delay(backoff, _options.TimeProvider, cancellationToken);
            }
        }
    }

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) => e switch
    {
        HttpRequestException => true,
        ClawApiException api => (int)api.StatusCode >= 500 || api.StatusCode == HttpStatusCode.TooManyRequests,
        TaskCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>
    /// The server's 409 for a repeat of a request with the same Idempotency-Key that it has not answered yet: it asks to be
    /// asked again once that one has answered (after a restart, once it knows the first one died with the old process).
    /// </summary>
    private static bool IsStillRunning(Exception e) =>
        e is ClawApiException { StatusCode: HttpStatusCode.Conflict, Problem.Title: "Request in progress" };

    /// <summary>A failure of a call to the server that the agent records and survives (not its own shutdown).</summary>
    private static bool IsCallFailure(Exception e, CancellationToken stopping) =>
        e is ClawApiException or HttpRequestException || (e is TaskCanceledException && !stopping.IsCancellationRequested);

    private void Fail(string workItemId, string action, Exception e)
    {
        Observed.Error(new AgentError(workItemId, action, e));
        _logger.LogWarning("Agent {Agent}: {Action} {WorkItemId} failed: {Error}", Name, action, workItemId, e.Message);
    }

    /// <summary>
    /// Leaves cleanly, as an agent that exits should: stops heartbeating and taking work, then signs off so that the server
    /// offers it nothing more and its unaccepted offers move on at once. False when the server could not be told (it then
    /// finds out from the missed heartbeats).
    /// </summary>
    public async Task<bool> SignOffAsync(CancellationToken cancellationToken = default)
    {
        if (Registration is null || Volatile.Read(ref _disposed) == 1)
            return false;
        await _stopping.CancelAsync();
        // A heartbeat in flight would bring the agent back after the sign-off: let it land first.
        await _speaking.WaitAsync(cancellationToken);
        try
        {
            await Api.SignOffAsync(AgentId, cancellationToken);
            _logger.LogInformation("Agent {Agent} signed off", Name);
            return true;
        }
        catch (Exception e) when (e is ClawApiException or HttpRequestException or TaskCanceledException)
        {
            _logger.LogWarning("Agent {Agent} could not sign off: {Error}", Name, e.Message);
            return false;
        }
        finally
        {
            _speaking.Release();
        }
    }

    private static bool EndedByCancellation(Task task) =>
        !task.IsFaulted || task.Exception!.InnerExceptions.All(e => e is OperationCanceledException);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await _stopping.CancelAsync();
        var tasks = _loops.Concat(_runs.Values.Select(run => run.Task)).ToArray();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (Exception) when (tasks.All(EndedByCancellation))
        {
            // The loops end by cancellation; any other fault is rethrown.
        }
        if (Webhook is not null)
            await Webhook.DisposeAsync();
        if (_ownsHttp)
            _http.Dispose();
        _stopping.Dispose();
        _speaking.Dispose();
    }
}
