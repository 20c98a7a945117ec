using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

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
                    return new KeptCommand(sql, kept: false) { Taken = true };
                }

                _recent.Remove(node);
                _recent.AddFirst(node);
                node.Value.Taken = true;
                return node.Value;
            }

            var command = new KeptCommand(sql, kept: true) { Taken = true };
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

    /// <summary>Frees every statement: their handle is closed, so none is taken.</summary>
    public void GiveUpAll()
    {
        lock (_lock)
        {
            foreach (var command in _recent)
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

        /// <summary>Holds on to nothing of the run: not the connection (another will hold the handle next), its transaction or its values.</summary>
        public void Detach()
        {
            ConnectionField(this) = null;
            Transaction = null;
            Parameters.Clear();
        }

        /// <summary>
        /// Whether this version of Microsoft.Data.Sqlite still has the field a kept statement is pointed through (a private
        /// one: an update may rename it). Without it no statement is kept, rather than every command failing.
        /// </summary>
        public static bool CanBePointed()
        {
            try
            {
                using var probe = new SqliteCommand();
                return ConnectionField(probe) is null;
            }
            catch (MissingFieldException)
            {
                return false;
            }
        }

        // The field the Connection property's setter guards: setting it through the property would free the statements.
        [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_connection")]
        private static extern ref SqliteConnection? ConnectionField(SqliteCommand command);
    }
}
