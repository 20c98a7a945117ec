using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Web.Tests.Api.Fuzzing;

/// <summary>The errors the app logs (an unhandled exception behind a 500 among them), numbered so a request can ask for its own.</summary>
internal sealed class ServerErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<(long Number, string Text)> _entries = new();
    private long _count;

    public long Mark => Interlocked.Read(ref _count);

    /// <summary>The errors logged after <paramref name="mark"/>: category, message and the exception's first lines.</summary>
    public IReadOnlyList<string> Since(long mark) => _entries.Where(e => e.Number > mark).Select(e => e.Text).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string text)
    {
        var number = Interlocked.Increment(ref _count);
        _entries.Enqueue((number, text));
        while (_entries.Count > 200)
            _entries.TryDequeue(out _);
    }

    private sealed class Logger(ServerErrorLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            log.Add(ServerLog.Entry(category, formatter(state, exception), exception));
        }
    }
}
