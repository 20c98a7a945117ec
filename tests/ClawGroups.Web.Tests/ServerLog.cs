using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Web.Tests;

/// <summary>
/// The app's latest log lines, as its filters let them through (the app's settings decide the levels): what a test that
/// failed on a timeout prints, so that a failure seen once in CI can be read instead of guessed at.
/// </summary>
public sealed class ServerLog : ILoggerProvider
{
    private const int Kept = 2_000;

    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>The kept lines, oldest first, one per entry (an exception's first lines on the same line).</summary>
    public string Text() => string.Join(Environment.NewLine, _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > Kept)
        {
            _lines.TryDequeue(out _);
        }
    }

    /// <summary>
    /// One entry on one line: its category, its message's first line (a failed command's SQL follows on the next ones), then
    /// the exception and its inner ones without their stack frames.
    /// </summary>
    internal static string Entry(string category, string message, Exception? exception)
    {
        var what = exception is null
            ? ""
            : " — " + string.Join(" | ", exception.ToString().Split('\n').Select(line => line.Trim())
                .Where(line => line.Length > 0 && !line.StartsWith("at ", StringComparison.Ordinal) && !line.StartsWith("--- End", StringComparison.Ordinal)).Take(4));
        return $"{category}: {message.Split('\n')[0].Trim()}{what}";
    }

    private sealed class Logger(ServerLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var at = DateTimeOffset.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
            log.Add($"{at} {logLevel,-11} {Entry(category, formatter(state, exception), exception)}");
        }
    }
}
