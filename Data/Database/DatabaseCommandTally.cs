using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ClawGroups.Data.Database;

/// <summary>
/// Counts the database commands run inside a scope the caller opens (the web part opens one per request) and adds up the
/// time each took to answer. Off unless <see cref="ClawDatabaseOptions.CountCommands"/> is set: it exists so that a
/// benchmark can read how many round trips an API call costs, a figure that does not depend on how loaded the machine is.
/// Commands outside a scope (jobs, the live pump) are not counted.
/// </summary>
public sealed class DatabaseCommandTally : DbCommandInterceptor
{
    private static readonly AsyncLocal<Scope?> Current = new();

    /// <summary>Starts counting the commands of this async flow and whatever it awaits.</summary>
    public static Scope Begin() => Current.Value = new Scope();

    /// <summary>Counts a turn this flow took at the SQLite write gate (<see cref="SqliteWriteGate"/>), when a scope is counting.</summary>
    internal static void NoteWriteTurn()
    {
        if (Current.Value is { } scope)
        {
            Interlocked.Increment(ref scope.WriteTurnCount);
        }
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Note(eventData);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Note(eventData);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Note(eventData);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Note(eventData);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Note(eventData);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Note(eventData);
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Current.Value?.Add(eventData.Duration);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Current.Value?.Add(eventData.Duration);
        return Task.CompletedTask;
    }

    private static void Note(CommandExecutedEventData eventData) => Current.Value?.Add(eventData.Duration);

    /// <summary>
    /// One request's commands: how many, and the time they took to answer (a reader's first rows included); and on SQLite how
    /// many turns it took at the one writer, which every other write waits for.
    /// </summary>
    public sealed class Scope
    {
        internal int WriteTurnCount;
        private int _commands;
        private long _ticks;

        public int Commands => Volatile.Read(ref _commands);

        public int WriteTurns => Volatile.Read(ref WriteTurnCount);

        public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

        internal void Add(TimeSpan duration)
        {
            Interlocked.Increment(ref _commands);
            Interlocked.Add(ref _ticks, duration.Ticks);
        }
    }
}
