using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Data.Database;

/// <summary>
/// Logs, at Debug, what the embedded database's one writer was doing over each interval: turns taken, the share of the time
/// one was held, how many writers waited and for how long. On SQLite every write of every request takes a turn in order,
/// so a held share near 100 % says the writer is the limit, and a low one that the time goes elsewhere. Silent on
/// PostgreSQL (no turns) and unless Debug is on for this category.
/// </summary>
public sealed partial class WriteGateReport(SqliteWriteGate gate, ILogger<WriteGateReport> logger, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        var before = gate.Statistics;
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = gate.Statistics;
                var interval = now.Since(before);
                before = now;
                if (interval.Turns > 0)
                {
                    LogInterval(logger, Interval.TotalSeconds, interval.Turns, interval.Held / Interval, interval.Waits,
                        interval.Waits == 0 ? 0 : interval.Waited.TotalMilliseconds / interval.Waits, interval.MostWaiting, interval.HandedOver / Interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "SQLite write gate over {Seconds} s: {Turns} turns, held {HeldShare:P0} of the time; {Waits} waited, {MeanWaitMs:F1} ms on average; at most {MostWaiting} waiting; handed over and not yet running {HandedOverShare:P0} of the time")]
    private static partial void LogInterval(ILogger logger, double seconds, long turns, double heldShare, long waits, double meanWaitMs, int mostWaiting, double handedOverShare);
}
