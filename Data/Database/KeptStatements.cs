using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ClawGroups.Data.Database;

/// <summary>
/// One SQLite handle's compiled statements, by their SQL, the least recently run given up first beyond a bound. A handle is
/// held by one connection at a time, so a statement is run by one command at a time; the same SQL asked for again while its
/// statement is still running (a reader left open) gets one compiled for that run alone.
/// </summary>
internal sealed class KeptStatements(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<KeptCommand>> _bySql = new(StringComparer.Ordinal);

    /// <summary>Most recently run first.</summary>
    private readonly LinkedList<KeptCommand> _recent = [];

    /// <summary>The statements running now, kept or compiled for one run: a few at most.</summary>
    private readonly HashSet<KeptCommand> _taken = [];

    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _bySql.Count;
            }
        }
    }

    /// <summary>The statement kept for <paramref name="sql"/>, taken until <see cref="GiveBack"/>; compiled when first run.</summary>
    public KeptCommand Take(string sql)
    {
        lock (_lock)
        {
            if (_bySql.TryGetValue(sql, out var node))
            {
                if (node.Value.Taken)
                {
                    var once = new KeptCommand(sql, kept: false) { Taken = true };
                    _taken.Add(once);
                    return once;
                }

                _recent.Remove(node);
                _recent.AddFirst(node);
                node.Value.Taken = true;
                _taken.Add(node.Value);
                return node.Value;
            }

            var command = new KeptCommand(sql, kept: true) { Taken = true };
            _taken.Add(command);
            _bySql[sql] = _recent.AddFirst(command);
            GiveUpBeyondCapacity();
            return command;
        }
    }

    /// <summary>
    /// The statement run and its reader closed: kept for the next run of its SQL, without the connection, transaction and
    /// values of this one. One whose reader is still open (its caller closed the command first) is left to that reader.
    /// </summary>
    public void GiveBack(KeptCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        lock (_lock)
        {
            command.Taken = false;
            _taken.Remove(command);
            var stillKept = command.Kept && _bySql.TryGetValue(command.CommandText, out var node) && ReferenceEquals(node.Value, command);
            if (command.Reading)
            {
                if (stillKept)
                {
                    Forget(command);
                }

                return;
            }

            command.Detach();
            if (!stillKept)
            {
                command.Dispose();
            }
        }
    }

    /// <summary>
    /// Ends the reads <paramref name="connection"/> left open as it closed (its caller never closed them), which would
    /// otherwise keep their statements stepping, and the handle a snapshot of the file, in the pool. Such a statement is not
    /// kept for later runs: the command that took it may still give it back, and then it is freed.
    /// </summary>
    public void EndReadsOf(SqliteConnection connection)
    {
        lock (_lock)
        {
            if (_taken.Count == 0)
            {
                return;
            }

            foreach (var command in _taken.Where(c => c.Reading && c.RunsOn(connection)).ToList())
            {
                command.EndRead();
                if (command.Kept && _bySql.TryGetValue(command.CommandText, out var node) && ReferenceEquals(node.Value, command))
                {
                    Forget(command);
                }
            }
        }
    }

    /// <summary>Keeps nothing more: frees every statement not running now; one running is freed when given back.</summary>
    public void GiveUpAll()
    {
        lock (_lock)
        {
            foreach (var command in _recent.Where(c => !c.Taken))
            {
                command.Dispose();
            }

            _recent.Clear();
            _bySql.Clear();
        }
    }

    private void GiveUpBeyondCapacity()
    {
        for (var node = _recent.Last; node is not null && _bySql.Count > capacity;)
        {
            var earlier = node.Previous;
            if (!node.Value.Taken)
            {
                Forget(node.Value);
                node.Value.Dispose();
            }

            node = earlier;
        }
    }

    private void Forget(KeptCommand command)
    {
        _recent.Remove(_bySql[command.CommandText]);
        _bySql.Remove(command.CommandText);
    }

    /// <summary>
    /// A command whose statements stay compiled between runs on whichever connection holds their handle. Microsoft.Data.Sqlite
    /// frees a command's statements when it is moved to another connection object or when its connection closes, so it is
    /// never attached to one the public way (which also lists it for the connection's closing): each run points it at the
    /// connection that holds the handle now, and <see cref="Detach"/> lets go of it again.
    /// </summary>
    internal sealed class KeptCommand : SqliteCommand
    {
        public KeptCommand(string sql, bool kept)
        {
            CommandText = sql;
            Kept = kept;
        }

        /// <summary>False for a statement compiled for one run only.</summary>
        public bool Kept { get; }

        public bool Taken { get; set; }

        /// <summary>Whether a reader of this command is still open.</summary>
        public bool Reading => DataReader is not null;

        /// <summary>Readies the statement to run on <paramref name="connection"/>, in its transaction, with these values.</summary>
        public void RunOn(SqliteConnection connection, SqliteTransaction? transaction, int timeoutSeconds, SqliteParameterCollection values)
        {
            ConnectionField(this) = connection;
            Transaction = transaction;
            CommandTimeout = timeoutSeconds;
            Parameters.Clear();
            foreach (SqliteParameter value in values)
            {
                Parameters.Add(value);
            }
        }

        /// <summary>
        /// Holds on to nothing of the run: not the connection (another will hold the handle next), its transaction or its
        /// values, neither ours nor SQLite's copies of them (an artifact's text stays bound to its statement otherwise).
        /// </summary>
        public void Detach()
        {
            foreach (var (statement, _) in StatementsField(this))
            {
                raw.sqlite3_clear_bindings(statement);
            }

            ConnectionField(this) = null;
            Transaction = null;
            Parameters.Clear();
        }

        /// <summary>Ends the open reader: its statements run to their end and reset, as its disposing does.</summary>
        public void EndRead() => DataReader?.Dispose();

        /// <summary>Whether it is pointed at <paramref name="connection"/> for its run now.</summary>
        public bool RunsOn(SqliteConnection connection) => ReferenceEquals(ConnectionField(this), connection);

        /// <summary>
        /// Whether this version of Microsoft.Data.Sqlite still has the field a kept statement is pointed through (a private
        /// one: an update may rename it). Without it no statement is kept, rather than every command failing.
        /// </summary>
        public static bool CanBePointed()
        {
            try
            {
                using var probe = new SqliteCommand();
                return ConnectionField(probe) is null && StatementsField(probe) is { Count: 0 };
            }
            catch (MissingFieldException)
            {
                return false;
            }
        }

        // The field the Connection property's setter guards: setting it through the property would free the statements.
        [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_connection")]
        private static extern ref SqliteConnection? ConnectionField(SqliteCommand command);

        // The command's compiled statements, whose bound values SQLite keeps until they are cleared or bound again.
        [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_preparedStatements")]
        private static extern ref List<(sqlite3_stmt Statement, int ParamCount)> StatementsField(SqliteCommand command);
    }
}
