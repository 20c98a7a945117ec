using System.Collections.Concurrent;
using System.Threading.Channels;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Cluster;
using ClawGroups.Coordinator.Jobs;
using Hangfire;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Coordinator.Signals;

/// <summary>
/// Turns signals into Hangfire jobs, and wakes long-polling agents on this node and the others. Signals are hints sent after
/// a commit: one that cannot be sent (the job storage or the bus not answering) is logged and dropped, never thrown into a
/// request whose work is already saved; the sweep re-runs passes and lost deliveries, and long polls re-check on their own.
/// </summary>
/// <remarks>
/// Hangfire's client is synchronous: an enqueue blocks its thread on a database connection, for as long as the pool's wait
/// when the pool is dry. Sent from requests, under a swarm on PostgreSQL, those blocked threads grew the thread pool to 80
/// on 2 cores while the app held connections it was not using, and the pool ran dry. So requests only queue their signals,
/// and one sender sends them in order: at most one thread ever waits on the job storage.
/// </remarks>
public sealed partial class HangfireWorkSignals : IWorkSignals, IAsyncDisposable
{
    private readonly IBackgroundJobClient _jobs;
    private readonly AgentWaiters _waiters;
    private readonly IClusterBus _cluster;
    private readonly WrittenTextReader _texts;
    private readonly TimeProvider _time;
    private readonly ILogger<HangfireWorkSignals> _logger;
    private readonly Channel<(string Signal, Action Send)> _outgoing =
        Channel.CreateUnbounded<(string, Action)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Task _sender;
    private readonly CancellationTokenSource _stopping = new();
    private int _unsent;

    public HangfireWorkSignals(
        IBackgroundJobClient jobs, AgentWaiters waiters, IClusterBus cluster, WrittenTextReader texts, TimeProvider time, ILogger<HangfireWorkSignals> logger)
    {
        (_jobs, _waiters, _cluster, _texts, _time, _logger) = (jobs, waiters, cluster, texts, time, logger);
        _sender = Task.Run(SendQueuedAsync);
    }

    /// <summary>A burst of changes in one group (a goal split into fifty items) needs one pass, not fifty.</summary>
    public static readonly TimeSpan PassDebounce = TimeSpan.FromMilliseconds(250);

    /// <summary>Per group, when the last pass enqueued for it is due.</summary>
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _nextPass = new();

    /// <summary>
    /// A group idle for a window gets a pass now and one at the window's end (for the changes in between); signals that keep
    /// coming (a swarm finishing items every few milliseconds) get one pass per window, each at its end. So a group never
    /// has more than one pass due, and a change waits at most one window.
    /// </summary>
    /// <remarks>
    /// Windows end on one grid for every node (<see cref="WindowEnd"/>). Each node debounces its own signals, and with
    /// windows counted from each node's first signal, two nodes' passes for a group came at a fixed offset from each other
    /// all run long: whichever node's window ended first after a change made the offer, and the other's pass found nothing
    /// left. The offset, set by chance at the start, decided the nodes' shares of the work (31 % to 69 % in the soaks). On
    /// one grid both nodes ask at the same moment and take turns at the group's pass (<see cref="Cluster.GroupPassLock"/>),
    /// in the order their job workers reach it.
    /// </remarks>
    public void AssignmentNeeded(Guid groupId)
    {
        var now = _time.GetUtcNow();
        var known = _nextPass.TryGetValue(groupId, out var next);
        if (known && next > now)
        {
            // A pass is already due within the window and will see this change.
            return;
        }

        // Just after the last window's pass, the next one at this window's end covers the change; after a quiet spell, one
        // runs now as well.
        var leading = !known || now - next >= PassDebounce;
        var due = WindowEnd(now);
        if (!(known ? _nextPass.TryUpdate(groupId, due, next) : _nextPass.TryAdd(groupId, due)))
        {
            // Another request's signal claimed this window at the same moment.
            return;
        }

        if (leading)
        {
            Send("assignment pass", () => _jobs.Enqueue<AssignmentPassJob>(j => j.RunAsync(groupId, CancellationToken.None)));
        }

        // The window's pass is enqueued when the window ends, by this node's clock, not scheduled in the job storage: Hangfire
        // looks for due scheduled jobs once a second, so a pass due in 250 ms ran 0.25–1.25 s later, and under a steady stream
        // of changes every pass is a window's, which was most of the time a freed slot stood empty (docs/PERFORMANCE.md). A
        // node that stops before then loses the pass; the sweep runs one, as for any lost signal.
        _ = SendLaterAsync(due - now, "assignment pass", () => _jobs.Enqueue<AssignmentPassJob>(j => j.RunAsync(groupId, CancellationToken.None)));
    }

    /// <summary>
    /// The end of the window <paramref name="now"/> falls in: the first whole multiple of <see cref="PassDebounce"/> after it,
    /// counted in UTC ticks from year 1 (the Unix epoch is such a multiple too), the same moment on every node whose clock
    /// keeps time.
    /// </summary>
    public static DateTimeOffset WindowEnd(DateTimeOffset now)
        => new(((now.UtcTicks / PassDebounce.Ticks) + 1) * PassDebounce.Ticks, TimeSpan.Zero);

    public void MessagesDue(IReadOnlyCollection<Guid> outboxMessageIds)
    {
        ArgumentNullException.ThrowIfNull(outboxMessageIds);
        Send("webhook delivery", () =>
        {
            foreach (var id in outboxMessageIds)
            {
                _jobs.Enqueue<WebhookDeliveryJob>(j => j.DeliverAsync(id, CancellationToken.None));
            }
        });
    }

    public void AgentHasNews(Guid agentId)
    {
        _waiters.Notify(agentId);
        // The agent's long poll may be held by another node.
        Send("agent news", () => _cluster.AgentHasNews(agentId));
    }

    /// <summary>Read on this node, in-process: the text is in the database, and a pass reads whatever this node does not.</summary>
    public void TextWritten(IReadOnlyCollection<Guid> workItemIds) => _texts.Written(workItemIds);

    /// <summary>Waits until every signal queued so far has been sent or dropped (tests); a window's pass is queued when the window ends.</summary>
    public async Task SentAsync(CancellationToken cancellationToken = default)
    {
        while (Volatile.Read(ref _unsent) > 0)
        {
            await Task.Delay(5, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _outgoing.Writer.TryComplete();
        await _sender.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    /// <summary>Queues <paramref name="send"/> once <paramref name="delay"/> has passed (<see cref="SentAsync"/> waits for it from then).</summary>
    private async Task SendLaterAsync(TimeSpan delay, string signal, Action send)
    {
        try
        {
            await Task.Delay(delay, _time, _stopping.Token);
        }
        catch (Exception stopped) when (stopped is OperationCanceledException or ObjectDisposedException)
        {
            // The node is stopping: the sweep runs the pass wherever the work is picked up again.
            return;
        }

        Send(signal, send);
    }

    private void Send(string signal, Action send)
    {
        Interlocked.Increment(ref _unsent);
        if (!_outgoing.Writer.TryWrite((signal, send)))
        {
            Interlocked.Decrement(ref _unsent);
        }
    }

    private async Task SendQueuedAsync()
    {
        await foreach (var (signal, send) in _outgoing.Reader.ReadAllAsync())
        {
            try
            {
                send();
            }
#pragma warning disable CA1031 // A hint that cannot be sent must not stop the signals after it.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogSignalLost(_logger, exception, signal);
            }
            finally
            {
                Interlocked.Decrement(ref _unsent);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Signal} signal could not be sent; the sweep catches up")]
    private static partial void LogSignalLost(ILogger logger, Exception exception, string signal);
}
