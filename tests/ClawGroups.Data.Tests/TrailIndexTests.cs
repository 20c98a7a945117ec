using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Data.Tests;

/// <summary>
/// The trail keeps one index besides its key, the one its readers use (decision 0054): an item's events, oldest first.
/// Every index is pages written at nearly every commit, since nearly every commit appends an event.
/// </summary>
public sealed class TrailIndexTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_trail_has_only_the_items_index_and_an_items_events_are_read_by_it(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        await using var context = database.NewContext();
        // The query an item's trail is read with (WorkItemService's events), as EF sends it, parameter and all.
        await using var query = context.TrailEvents.AsNoTracking().Where(e => e.WorkItemId == Guid.CreateVersion7()).OrderBy(e => e.Id).CreateDbCommand();

        List<string> indexes;
        string plan;
        if (provider == DatabaseProvider.Sqlite)
        {
            indexes = await context.Database
                .SqlQueryRaw<string>("SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'index' AND tbl_name = 'TrailEvents' AND sql IS NOT NULL")
                .ToListAsync();
            plan = await ExplainAsync(query, "EXPLAIN QUERY PLAN ", column: 3);
        }
        else
        {
            indexes = await context.Database
                .SqlQueryRaw<string>("SELECT indexname AS \"Value\" FROM pg_indexes WHERE tablename = 'TrailEvents' AND indexname <> 'PK_TrailEvents'")
                .ToListAsync();
            // An empty table is read whole by choice; without sequential scans the planner shows which index serves the query.
            await context.Database.OpenConnectionAsync();
            await context.Database.ExecuteSqlRawAsync("SET enable_seqscan = off");
            plan = await ExplainAsync(query, "EXPLAIN ", column: 0);
        }

        Assert.Equal(["IX_TrailEvents_WorkItemId_Id"], indexes);
        Assert.Contains("IX_TrailEvents_WorkItemId_Id", plan, StringComparison.Ordinal);
    }

    /// <summary>The plan of <paramref name="query"/>, one row a line (the column that holds its text).</summary>
    private static async Task<string> ExplainAsync(System.Data.Common.DbCommand query, string explain, int column)
    {
        if (query.Connection!.State != System.Data.ConnectionState.Open)
        {
            await query.Connection.OpenAsync();
        }

        query.CommandText = explain + query.CommandText;
        await using var reader = await query.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetValue(column).ToString()!);
        }

        return string.Join('\n', lines);
    }
}
