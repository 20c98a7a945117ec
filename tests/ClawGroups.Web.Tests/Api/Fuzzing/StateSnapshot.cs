using System.Data.Common;
using System.Globalization;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.Trail;
using ClawGroups.Data.Webhooks;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Tests.Api.Fuzzing;

/// <summary>A work item's place, for choosing what the next request aims at.</summary>
internal sealed record ItemState(Guid Id, Guid GroupId, WorkItemState State, Guid? AssigneeAgentId, Guid? AssigneeUserId, bool Paused);

/// <summary>
/// Every row a request could change, read as raw values straight from the tables (a value the app wrote but cannot read
/// back, a decimal past its range, still compares): groups, members, join tokens, agents and their skills, work items,
/// dependencies, attempts, artifacts, the outbox, and where the append-only trail ends. Two snapshots differ exactly where
/// a request changed something. Left out: what a refusal may rightly write (the Idempotency-Key's stored answer, a
/// person's last-seen time).
/// </summary>
internal sealed class StateSnapshot
{
    private static readonly Type[] Tables =
        [typeof(Group), typeof(GroupMember), typeof(JoinToken), typeof(Agent), typeof(AgentSkill), typeof(WorkItem), typeof(WorkItemDependency), typeof(Artifact), typeof(OutboxMessage)];

    private readonly HashSet<string> _rows;

    private StateSnapshot(HashSet<string> rows, long lastTrailEventId, IReadOnlyList<ItemState> workItems)
    {
        _rows = rows;
        LastTrailEventId = lastTrailEventId;
        WorkItems = workItems;
    }

    public long LastTrailEventId { get; }

    public IReadOnlyList<ItemState> WorkItems { get; }

    public static async Task<StateSnapshot> TakeAsync(ClawDbContext db)
    {
        var rows = new HashSet<string>(StringComparer.Ordinal);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            foreach (var type in Tables)
                await ReadAsync(connection, db.Database.IsNpgsql(), TableOf(db, type), rows, []);
            // A late result is kept with a 409 (the contract says so): it is compared on its own, and so is the version it bumps.
            await ReadAsync(connection, db.Database.IsNpgsql(), TableOf(db, typeof(Assignment)), rows, ["LateResultJson", "Version"]);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        var items = await db.WorkItems.AsNoTracking()
            .Select(w => new ItemState(w.Id, w.GroupId, w.State, w.AssigneeAgentId, w.AssigneeUserId, w.PausedAt != null))
            .ToListAsync();
        var lastEvent = await db.TrailEvents.MaxAsync(e => (long?)e.Id) ?? 0;
        return new StateSnapshot(rows, lastEvent, items);
    }

    /// <summary>What changed from this snapshot to <paramref name="after"/>, one line per row, with the trail events written meanwhile.</summary>
    public async Task<List<string>> ChangesAsync(StateSnapshot after, ClawDbContext db, bool lateResultKept)
    {
        // The kept result's own column, and the version its save bumped on that assignment: what the 409 says it kept.
        var keptOn = lateResultKept
            ? _rows.Except(after._rows).Concat(after._rows.Except(_rows))
                .Where(row => row.StartsWith("Assignments.LateResultJson ", StringComparison.Ordinal)).Select(IdOf).ToHashSet(StringComparer.Ordinal)
            : [];
        bool Counts(string row) => !((lateResultKept && row.StartsWith("Assignments.LateResultJson ", StringComparison.Ordinal))
                                     || (row.StartsWith("Assignments.Version ", StringComparison.Ordinal) && keptOn.Contains(IdOf(row))));
        var changes = _rows.Except(after._rows).Where(Counts).Select(row => $"was {Shorten(row)}")
            .Concat(after._rows.Except(_rows).Where(Counts).Select(row => $"now {Shorten(row)}"))
            .ToList();
        if (after.LastTrailEventId != LastTrailEventId)
        {
            var events = await db.Set<TrailEvent>().AsNoTracking().Where(e => e.Id > LastTrailEventId).OrderBy(e => e.Id).ToListAsync();
            changes.AddRange(events.Where(e => !(lateResultKept && e.Type == "work.lateResult"))
                .Select(e => $"trail event {e.Type} written: {Shorten(e.DataJson)}"));
        }

        return changes;
    }

    private static string TableOf(ClawDbContext db, Type type) =>
        db.Model.FindEntityType(type)?.GetTableName() ?? throw new InvalidOperationException($"{type.Name} is not mapped.");

    /// <summary>
    /// One line per row, <c>Table {json}</c>. PostgreSQL writes the row as JSON itself (numeric keeps every digit); SQLite's
    /// values are read as stored (integer, real, text, blob), never converted to the entity's types.
    /// </summary>
    /// <summary>The row's id in a column kept apart: "Table.Column id value".</summary>
    private static string IdOf(string row) => row.Split(' ', 3)[1];

    private static async Task ReadAsync(DbConnection connection, bool postgres, string table, HashSet<string> rows, string[] apart)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = postgres
            ? $"SELECT to_jsonb(t)::text FROM \"{table}\" t"
            : $"SELECT * FROM \"{table}\"";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (postgres)
            {
                var json = System.Text.Json.Nodes.JsonNode.Parse(reader.GetString(0))!.AsObject();
                foreach (var column in apart)
                {
                    rows.Add($"{table}.{column} {json["Id"]} {json[column]?.ToJsonString()}");
                    json.Remove(column);
                }

                rows.Add($"{table} {json.ToJsonString()}");
                continue;
            }

            var values = new List<string>();
            string? id = null;
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var name = reader.GetName(i);
                var value = reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i) is byte[] bytes ? Convert.ToHexString(bytes) : reader.GetValue(i), CultureInfo.InvariantCulture);
                if (name == "Id")
                    id = value;
                if (apart.Contains(name))
                    rows.Add($"{table}.{name} {id} {value}");
                else
                    values.Add($"{name}={value}");
            }

            rows.Add($"{table} {string.Join(", ", values)}");
        }
    }

    private static string Shorten(string text) => text.Length > 400 ? text[..400] + "…" : text;
}
