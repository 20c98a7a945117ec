using Npgsql;

namespace ClawGroups.Benchmarks.Soak;

/// <summary>
/// The server's half of the ledger, read straight from PostgreSQL once the run is over (the list API answers at most
/// 1,000 items). Enums are stored by name.
/// </summary>
internal sealed record SoakLedger(
    IReadOnlyDictionary<string, int> ItemsByState,
    IReadOnlyList<string> MissingItemIds,
    int CompletedTwice,
    int ResultTakenTwice,
    int LateResultsKept,
    IReadOnlyDictionary<string, int> AttemptEndings,
    int DoneAfterAnotherAttempt,
    IReadOnlyDictionary<string, int> TrailEvents,
    IReadOnlyList<double> CreatedToDoneSeconds,
    WebhookDeliveries Webhooks)
{
    public int Done => ItemsByState.GetValueOrDefault("Done");

    /// <summary>Items a person now holds because they failed every attempt they were given: escalated, not lost.</summary>
    public int Escalated => ItemsByState.GetValueOrDefault("Failed");

    /// <summary>Items created and not done, except those escalated to a person; and items whose 201 the database does not hold.</summary>
    public int Lost => ItemsByState.Where(state => state.Key is not ("Done" or "Failed")).Sum(state => state.Value) + MissingItemIds.Count;

    /// <summary>
    /// Items done twice: more than one work attempt that ended <c>Completed</c> (a result taken for each), or more than one
    /// <c>work.result</c> event in the trail (a result taken twice, whichever attempt). Either way the work was accepted twice.
    /// </summary>
    public int DoneTwice => Math.Max(CompletedTwice, ResultTakenTwice);

    public static async Task<SoakLedger> ReadAsync(string connectionString, Guid groupId, IReadOnlyCollection<string> createdIds)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var states = await CountsAsync(connection, groupId, """SELECT "State", count(*) FROM "WorkItems" WHERE "GroupId" = @group GROUP BY "State" """);
        var stored = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await foreach (var id in ReadAsync(connection, groupId, """SELECT "Id" FROM "WorkItems" WHERE "GroupId" = @group """, r => r.GetGuid(0).ToString()))
            stored.Add(id);

        var completedTwice = await ScalarAsync(connection, groupId, """
            SELECT count(*) FROM (SELECT "WorkItemId" FROM "Assignments"
                                  WHERE "GroupId" = @group AND "Role" = 'Work' AND "Outcome" = 'Completed'
                                  GROUP BY "WorkItemId" HAVING count(*) > 1) twice
            """);
        var resultTwice = await ScalarAsync(connection, groupId, """
            SELECT count(*) FROM (SELECT "WorkItemId" FROM "TrailEvents"
                                  WHERE "GroupId" = @group AND "Type" = 'work.result'
                                  GROUP BY "WorkItemId" HAVING count(*) > 1) twice
            """);
        var lateKept = await ScalarAsync(connection, groupId, """SELECT count(*) FROM "Assignments" WHERE "GroupId" = @group AND "LateResultJson" IS NOT NULL""");
        // How each attempt ended, a stall with its reason: "Stalled (AgentSilent)".
        var endings = await CountsAsync(connection, groupId, """
            SELECT "Outcome" || coalesce(' (' || "StallReason" || ')', ''), count(*) FROM "Assignments"
            WHERE "GroupId" = @group AND "Role" = 'Work' GROUP BY 1
            """);
        var doneLater = await ScalarAsync(connection, groupId, """
            SELECT count(*) FROM "Assignments" WHERE "GroupId" = @group AND "Role" = 'Work' AND "Outcome" = 'Completed' AND "Attempt" > 1
            """);
        var trail = await CountsAsync(connection, groupId, """SELECT "Type", count(*) FROM "TrailEvents" WHERE "GroupId" = @group GROUP BY "Type" """);
        var waits = new List<double>();
        await foreach (var seconds in ReadAsync(connection, groupId, """
            SELECT extract(epoch FROM "StateChangedAt" - "CreatedAt")::float8 FROM "WorkItems" WHERE "GroupId" = @group AND "State" = 'Done'
            """, r => r.GetDouble(0)))
        {
            waits.Add(seconds);
        }

        waits.Sort();
        var lags = new List<double>();
        await foreach (var seconds in ReadAsync(connection, groupId, """
            SELECT extract(epoch FROM m."DeliveredAt" - m."CreatedAt")::float8 FROM "OutboxMessages" m JOIN "Agents" a ON a."Id" = m."AgentId"
            WHERE m."GroupId" = @group AND a."Delivery" = 'Webhook' AND m."DeliveredAt" IS NOT NULL
            """, r => r.GetDouble(0)))
        {
            lags.Add(seconds);
        }

        lags.Sort();
        var messages = await ScalarAsync(connection, groupId, """
            SELECT count(*) FROM "OutboxMessages" m JOIN "Agents" a ON a."Id" = m."AgentId" WHERE m."GroupId" = @group AND a."Delivery" = 'Webhook'
            """);
        var gaveUp = await ScalarAsync(connection, groupId, """
            SELECT count(*) FROM "OutboxMessages" m JOIN "Agents" a ON a."Id" = m."AgentId" WHERE m."GroupId" = @group AND a."Delivery" = 'Webhook' AND m."GaveUpAt" IS NOT NULL
            """);
        return new SoakLedger(states, [.. createdIds.Where(id => !stored.Contains(id))], (int)completedTwice, (int)resultTwice, (int)lateKept,
            endings, (int)doneLater, trail, waits, new WebhookDeliveries((int)messages, lags, (int)gaveUp));
    }

    private static async Task<Dictionary<string, int>> CountsAsync(NpgsqlConnection connection, Guid groupId, string sql)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var (key, count) in ReadAsync(connection, groupId, sql, r => (r.GetString(0), r.GetInt64(1))))
            counts[key] = (int)count;
        return counts;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, Guid groupId, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("group", groupId);
        return (long)(await command.ExecuteScalarAsync() ?? 0L);
    }

    private static async IAsyncEnumerable<T> ReadAsync<T>(NpgsqlConnection connection, Guid groupId, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("group", groupId);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            yield return read(reader);
    }

    /// <summary>
    /// Items done now, items in all, and Hangfire jobs waiting in their queues (not yet fetched by a worker), for the run's
    /// loop: the database is the judge of when the run is over, not the agents.
    /// </summary>
    public static async Task<(int Done, int Total, int JobsWaiting)> PulseAsync(string connectionString, Guid groupId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT count(*) FILTER (WHERE "State" = 'Done'), count(*),
                   (SELECT count(*) FROM hangfire.jobqueue WHERE fetchedat IS NULL)
            FROM "WorkItems" WHERE "GroupId" = @group
            """, connection);
        command.Parameters.AddWithValue("group", groupId);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return ((int)reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2));
    }
}

/// <summary>Messages to webhook agents (a pull agent's are marked delivered when a heartbeat's answer hands them over): how many, how long from written to delivered (seconds, sorted), how many given up on.</summary>
internal sealed record WebhookDeliveries(int Messages, IReadOnlyList<double> DeliveredAfterSeconds, int GaveUp);
