using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace ClawGroups.Data.Database;

/// <summary>
/// The command EF builds and runs on SQLite when statements are kept (<see cref="SqliteKeptStatements"/>): it holds the SQL,
/// the values and the transaction EF gives it, and runs them on the statement kept for that SQL on the handle its connection
/// holds at that moment, giving the statement back when EF disposes it (after the reader it returned). Microsoft.Data.Sqlite
/// runs commands synchronously whatever the method; so do the asynchronous methods here (<see cref="DbCommand"/>'s own).
/// </summary>
internal sealed class KeptStatementCommand(SqliteConnection connection, SqliteKeptStatements statements) : DbCommand
{
    /// <summary>The values EF adds, until a statement runs with them.</summary>
    private readonly Values _values = new();

    private DbConnection? _connection = connection;
    private KeptStatements? _keptOn;
    private KeptStatements.KeptCommand? _running;

    [AllowNull]
    public override string CommandText { get; set; } = "";

    public override int CommandTimeout { get; set; } = connection.DefaultTimeout;

    public override CommandType CommandType
    {
        get => CommandType.Text;
        set
        {
            if (value != CommandType.Text)
            {
                throw new ArgumentException($"SQLite runs text commands only, not {value}.", nameof(value));
            }
        }
    }

    public override bool DesignTimeVisible { get; set; }

    public override UpdateRowSource UpdatedRowSource { get; set; }

    protected override DbConnection? DbConnection
    {
        get => _connection;
        set => _connection = value;
    }

    protected override DbParameterCollection DbParameterCollection => _values;

    protected override DbTransaction? DbTransaction { get; set; }

    public override void Cancel()
    {
        // Nothing to cancel: SQLite's steps run synchronously on the caller's thread (as SqliteCommand.Cancel, which does nothing).
    }

    public override void Prepare()
    {
        // Compiled when first run, and kept.
    }

    protected override DbParameter CreateDbParameter() => new SqliteParameter();

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => Take().ExecuteReader(behavior);

    public override int ExecuteNonQuery()
    {
        try
        {
            return Take().ExecuteNonQuery();
        }
        finally
        {
            GiveBack();
        }
    }

    public override object? ExecuteScalar()
    {
        try
        {
            return Take().ExecuteScalar();
        }
        finally
        {
            GiveBack();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            GiveBack();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// The statement for this SQL on the handle the connection holds now. A closed connection holds none: the command then
    /// runs as Microsoft.Data.Sqlite's own would, which says the connection must be open.
    /// </summary>
    private SqliteCommand Take()
    {
        GiveBack();
        if (_connection is not SqliteConnection { Handle: { } handle } sqlite)
        {
            return new SqliteCommand(CommandText, _connection as SqliteConnection);
        }

        _keptOn = statements.For(handle);
        statements.Ran(sqlite, _keptOn);
        _running = _keptOn.Take(CommandText);
        _running.RunOn(sqlite, (SqliteTransaction?)DbTransaction, CommandTimeout, _values);
        return _running;
    }

    private void GiveBack()
    {
        if (_running is { } running)
        {
            _running = null;
            _keptOn!.GiveBack(running);
        }
    }

    /// <summary>Microsoft.Data.Sqlite's own collection (its constructor is for its types and theirs), without a command around it.</summary>
    private sealed class Values : SqliteParameterCollection;
}
