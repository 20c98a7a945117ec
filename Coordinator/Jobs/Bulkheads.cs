using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Coordinator.Jobs;

/// <summary>
/// Runs the coordinator's background work one group (or one message) at a time, so that one whose data breaks the
/// work is logged, marked and skipped while the rest goes on. Before this, one agent's unreadable cost report made
/// every stall sweep fail, and another group's silent agent kept its item four times too long. What keeps failing is
/// remembered per node for <c>/health</c>, and logged at the first failure and then at the 10th, 100th… so that a
/// broken group retried every sweep does not flood the log.
/// </summary>
public sealed partial class Bulkheads(TimeProvider time, ILogger<Bulkheads> logger)
{
    /// <summary>Failures in a row after which <c>/health</c> calls the work failing rather than unlucky.</summary>
    public const int FailingAfter = 3;

    /// <summary>More failing units than this and the old ones are forgotten at the next failure, not only when asked.</summary>
    private const int MaxRemembered = 1000;

    private readonly ConcurrentDictionary<(string Work, Guid Scope), FailingWork> _failing = new();

    /// <summary>Runs <paramref name="unit"/>; false when it threw (logged and recorded), true otherwise.</summary>
    public async Task<bool> RunAsync(string work, Guid scope, Func<Task> unit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        try
        {
            await unit();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // The point of a bulkhead: whatever one group's work threw, the next group's runs.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Failed(work, scope, exception);
            return false;
        }

        if (_failing.TryRemove((work, scope), out var recovered))
        {
            LogRecovered(logger, work, scope, recovered.Failures);
        }

        return true;
    }

    /// <summary>
    /// How recent the last failure must be to count. Some work is only tried again when its data changes (a live
    /// update), so its success may never be seen; a failure not repeated for this long is history, not a fault.
    /// </summary>
    public static readonly TimeSpan Remembered = TimeSpan.FromMinutes(10);

    /// <summary>Work that failed at least <see cref="FailingAfter"/> times in a row, lately, and has not succeeded since.</summary>
    public IReadOnlyList<FailingWork> KeepsFailing()
    {
        Forget(time.GetUtcNow() - Remembered);
        return _failing.Values.Where(f => f.Failures >= FailingAfter).OrderByDescending(f => f.Failures).ToList();
    }

    private void Failed(string work, Guid scope, Exception exception)
    {
        var now = time.GetUtcNow();
        var error = $"{exception.GetType().Name}: {exception.Message}";
        var failing = _failing.AddOrUpdate((work, scope),
            _ => new FailingWork(work, scope, 1, now, now, error),
            (_, before) => before with { Failures = before.Failures + 1, LastAt = now, LastError = error });
        // Failures seen once and never again (one message's delivery) must not pile up where /health is never asked.
        if (_failing.Count > MaxRemembered)
        {
            Forget(now - Remembered);
        }

        if (IsPowerOfTen(failing.Failures))
        {
            LogFailed(logger, exception, work, scope, failing.Failures);
        }
    }

    private void Forget(DateTimeOffset before)
    {
        foreach (var stale in _failing.Where(f => f.Value.LastAt < before))
        {
            _failing.TryRemove(stale);
        }
    }

    private static bool IsPowerOfTen(int n)
    {
        while (n % 10 == 0)
        {
            n /= 10;
        }

        return n == 1;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Work} failed for {Scope} ({Failures} times in a row); skipped, the rest goes on")]
    private static partial void LogFailed(ILogger logger, Exception exception, string work, Guid scope, int failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Work} works again for {Scope} after {Failures} failures")]
    private static partial void LogRecovered(ILogger logger, string work, Guid scope, int failures);
}

/// <summary>One unit of background work that keeps failing: what, for which group or message, since when, and why.</summary>
public sealed record FailingWork(string Work, Guid Scope, int Failures, DateTimeOffset Since, DateTimeOffset LastAt, string LastError);
