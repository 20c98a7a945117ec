using System.Collections.Concurrent;

namespace ClawGroups.Reliability.Tests.Crashes;

/// <summary>
/// Sits in the agents' HTTP client. Armed with a condition, it fires on the first request that matches as the request
/// goes out, so that the server can be killed while that request is in flight. It also keeps every 5xx the server
/// answered: the agents retry those quietly, and a server that answers 500 has a defect whether or not a retry helps.
/// </summary>
internal sealed class KillSwitch : DelegatingHandler
{
    private readonly ConcurrentQueue<string> _serverErrors = new();
    private Func<HttpRequestMessage, bool>? _trigger;
    private TaskCompletionSource<string>? _fired;

    public KillSwitch()
        : base(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) })
    {
    }

    public IReadOnlyCollection<string> ServerErrors => _serverErrors;

    /// <summary>Fires on the next request that matches; the task completes with that request's method and path.</summary>
    public Task<string> Arm(Func<HttpRequestMessage, bool> trigger)
    {
        var fired = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _fired, fired);
        Volatile.Write(ref _trigger, trigger);
        return fired.Task;
    }

    public void Disarm() => Volatile.Write(ref _trigger, null);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _trigger) is { } trigger && trigger(request) && Interlocked.CompareExchange(ref _trigger, null, trigger) == trigger)
            _fired!.TrySetResult($"{request.Method} {request.RequestUri?.AbsolutePath}");

        var response = await base.SendAsync(request, cancellationToken);
        if ((int)response.StatusCode >= 500 && _serverErrors.Count < 200)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            _serverErrors.Enqueue($"{request.Method} {request.RequestUri?.PathAndQuery} answered {(int)response.StatusCode}: {Truncate(body)}");
        }

        return response;
    }

    private static string Truncate(string text) => text.Length > 400 ? text[..400] + "…" : text;

    public static bool IsPost(HttpRequestMessage request, string lastSegment) =>
        request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.EndsWith("/" + lastSegment, StringComparison.Ordinal) == true;
}
