using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ClawGroups.Benchmarks;

/// <summary>
/// Counts the commands (round trips) a piece of work sends and the SQL statements inside them, by verb and table, and the
/// time the server took to answer: figures the machine's load does not move, to see how a write is batched.
/// </summary>
internal sealed partial class CommandCensus : DbCommandInterceptor
{
    private readonly Dictionary<string, int> _statements = [];
    private TimeSpan _answering;
    private readonly List<(TimeSpan Took, string Command)> _slowest = [];

    public int Commands { get; private set; }

    public void Clear()
    {
        _statements.Clear();
        _answering = TimeSpan.Zero;
        _slowest.Clear();
        Commands = 0;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Note(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<int> NonQueryExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Note(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<object?> ScalarExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Note(command, eventData);
        return ValueTask.FromResult(result);
    }

    /// <summary>One line: commands, then statements by verb and table, most first.</summary>
    public override string ToString()
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{Commands} commands ({_answering.TotalMilliseconds:F0} ms answering), {_statements.Values.Sum()} statements:");
        foreach (var (kind, count) in _statements.OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal))
        {
            line.Append(CultureInfo.InvariantCulture, $" {kind} {count};");
        }

        line.Append(" slowest:");
        foreach (var (took, command) in _slowest.OrderByDescending(s => s.Took).Take(3))
        {
            line.Append(CultureInfo.InvariantCulture, $" {took.TotalMilliseconds:F0} ms {command};");
        }

        return line.ToString();
    }

    private void Note(DbCommand command, CommandExecutedEventData eventData)
    {
        Commands++;
        _answering += eventData.Duration;
        _slowest.Add((eventData.Duration, string.Create(CultureInfo.InvariantCulture,
            $"({command.CommandText.Length:N0} chars, {command.Parameters.Count:N0} parameters, {command.CommandText[..Math.Min(40, command.CommandText.Length)].ReplaceLineEndings(" ")}…)")));
        // EF Core ends each statement of a batch with a semicolon at the end of its line.
        foreach (var statement in StatementEnd().Split(command.CommandText).Where(s => !string.IsNullOrWhiteSpace(s)))
        {
            var verb = Verb().Match(statement);
            var table = Table().Match(statement);
            var kind = $"{(verb.Success ? verb.Groups[1].Value.ToUpperInvariant() : "?")} {(table.Success ? table.Groups[1].Value : "?")}";
            _statements[kind] = _statements.GetValueOrDefault(kind) + 1;
        }
    }

    [GeneratedRegex(@";\s*$", RegexOptions.Multiline)]
    private static partial Regex StatementEnd();

    [GeneratedRegex(@"^\s*(SELECT|INSERT|UPDATE|DELETE|MERGE|WITH)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Verb();

    [GeneratedRegex("\"([A-Za-z]+)\"")]
    private static partial Regex Table();
}
