using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.Trail;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Data.Tests;

/// <summary>Many rows in one statement write what tracked saves would, and lose races as tracked saves do.</summary>
public sealed class RowsInOneStatementTests
{
    [Theory]
    [MemberData(nameof(ProviderData.Both), MemberType = typeof(ProviderData))]
    public async Task Rows_are_updated_only_where_the_version_read_still_stands_and_their_version_moves_on(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var graph = await SeedAsync(database);
        await using var context = database.NewContext();
        var read = await context.WorkItems.AsNoTracking().Where(w => w.GroupId == graph.Group.Id).OrderBy(w => w.Title).ToListAsync();
        await using (var meanwhile = database.NewContext())
        {
            var changed = await meanwhile.WorkItems.SingleAsync(w => w.Id == graph.Design.Id);
            changed.Title = "Design, edited";
            await meanwhile.SaveChangesAsync();
        }

        var heldAt = SampleGraph.Now.AddMinutes(5);
        foreach (var item in read)
        {
            (item.RoutingHeldAt, item.RoutingConfidence, item.RoutingCandidatesJson, item.UpdatedAt) = (heldAt, 0.012, $"[\"{item.Title}\"]", heldAt);
        }

        var matched = await context.UpdateRowsAsync(read,
            [nameof(WorkItem.RoutingHeldAt), nameof(WorkItem.RoutingConfidence), nameof(WorkItem.RoutingCandidatesJson), nameof(WorkItem.UpdatedAt)], CancellationToken.None);

        Assert.Equal(1, matched);
        await using var reader = database.NewContext();
        var build = await reader.WorkItems.SingleAsync(w => w.Id == graph.Build.Id);
        Assert.Equal((heldAt, 0.012, "[\"Build the checkout\"]", heldAt), (build.RoutingHeldAt!.Value, build.RoutingConfidence!.Value, build.RoutingCandidatesJson, build.UpdatedAt));
        Assert.Equal(read.Single(w => w.Id == graph.Build.Id).Version + 1, build.Version);
        var design = await reader.WorkItems.SingleAsync(w => w.Id == graph.Design.Id);
        Assert.Null(design.RoutingHeldAt);
        Assert.Equal("Design, edited", design.Title);
    }

    [Theory]
    [MemberData(nameof(ProviderData.Both), MemberType = typeof(ProviderData))]
    public async Task Inserted_rows_read_back_as_written_and_every_id_the_database_gave_comes_back(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var graph = await SeedAsync(database);
        // More rows than one statement's parameters hold on SQLite, so that the write takes two statements there (PostgreSQL: one, as arrays).
        var events = Enumerable.Range(0, 4_500).Select(i => new TrailEvent
        {
            GroupId = graph.Group.Id, WorkItemId = i % 2 == 0 ? graph.Design.Id : null, AgentId = i % 3 == 0 ? graph.Agent.Id : null,
            At = SampleGraph.Now.AddSeconds(i), ActorKind = MemberKind.Coordinator, Type = "work.needs-routing",
            DataJson = $"{{\"n\":{i}}}",
        }).ToList();
        await using var context = database.NewContext();

        var ids = await context.InsertRowsAsync(events, CancellationToken.None);

        await using var reader = database.NewContext();
        var stored = await reader.TrailEvents.Where(e => e.Type == "work.needs-routing").ToListAsync();
        Assert.Equal(stored.Select(e => e.Id).Order(), ids.Order());
        Assert.Equal(events.Count, ids.Distinct().Count());
        var byData = stored.ToDictionary(e => e.DataJson);
        Assert.All(events, written =>
        {
            var read = byData[written.DataJson];
            Assert.Equal((written.GroupId, written.WorkItemId, written.AgentId, written.At, written.ActorKind, written.ActorId, written.Type),
                (read.GroupId, read.WorkItemId, read.AgentId, read.At, read.ActorKind, read.ActorId, read.Type));
        });
    }

    [Theory]
    [MemberData(nameof(ProviderData.Both), MemberType = typeof(ProviderData))]
    public async Task Rows_with_a_list_column_are_written_whole(DatabaseProvider provider)
    {
        // PostgreSQL keeps the tags as text[]: sent as one array a column and unnested, they would be flattened.
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var graph = await SeedAsync(database);
        var skills = new[]
        {
            new AgentSkill { AgentId = graph.Agent.Id, SkillId = "k8s", Name = "Kubernetes", Tags = ["pods", "helm"], Examples = ["Roll back the deploy"], Level = 0.9 },
            new AgentSkill { AgentId = graph.Agent.Id, SkillId = "none", Name = "No tags", Level = 0.1 },
        };
        await using var context = database.NewContext();

        Assert.Equal(2, await context.InsertRowsUnlessPresentAsync(skills, CancellationToken.None));

        await using var reader = database.NewContext();
        var stored = await reader.AgentSkills.Where(s => s.AgentId == graph.Agent.Id && s.SkillId != graph.Agent.Skills[0].SkillId).OrderBy(s => s.SkillId).ToListAsync();
        Assert.Equal(["k8s", "none"], stored.Select(s => s.SkillId));
        Assert.Equal(["pods", "helm"], stored[0].Tags);
        Assert.Equal(["Roll back the deploy"], stored[0].Examples);
        Assert.Empty(stored[1].Tags);
        Assert.Equal((0.9, 0.1), (stored[0].Level, stored[1].Level));
    }

    [Theory]
    [MemberData(nameof(ProviderData.Both), MemberType = typeof(ProviderData))]
    public async Task Rows_inserted_unless_present_leave_rows_already_there_and_take_the_first_of_a_repeat(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var graph = await SeedAsync(database);
        var skillId = graph.Agent.Skills[0].SkillId;
        await using var context = database.NewContext();
        AgentSkillReading Reading(string version, params byte[] vector) =>
            new() { AgentId = graph.Agent.Id, SkillId = skillId, ReadingVersion = version, ReadingVector = vector };

        Assert.Equal(1, await context.InsertRowsUnlessPresentAsync([Reading("v1", 1, 2, 3), Reading("v2", 4)], CancellationToken.None));
        Assert.Equal(0, await context.InsertRowsUnlessPresentAsync([Reading("v3", 5)], CancellationToken.None));

        await using var reader = database.NewContext();
        var stored = await reader.AgentSkillReadings.SingleAsync(r => r.AgentId == graph.Agent.Id);
        Assert.Equal("v1", stored.ReadingVersion);
        Assert.Equal([1, 2, 3], stored.ReadingVector);
    }

    [Theory]
    [MemberData(nameof(ProviderData.Both), MemberType = typeof(ProviderData))]
    public async Task Rows_with_a_complex_property_are_written_with_its_columns(DatabaseProvider provider)
    {
        // A group's thresholds and budgets are complex properties: their columns are in the group's row, not properties of the
        // entity itself.
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var graph = await SeedAsync(database);
        Group Named(string name, int heartbeatSeconds, decimal monthlyUsd) => new()
        {
            Id = Guid.CreateVersion7(), Name = name, CreatedByUserId = graph.User.Id, CreatedAt = SampleGraph.Now,
            Thresholds = { HeartbeatTimeoutSeconds = heartbeatSeconds, OverrunFactor = heartbeatSeconds / 10.0 },
            Budgets = { MonthlyUsd = monthlyUsd, PerItemTokens = heartbeatSeconds * 1000L },
        };
        await using var context = database.NewContext();

        // Two rows (arrays on PostgreSQL), then one (VALUES everywhere).
        Assert.Equal(2, await context.InsertKeyedRowsAsync([Named("rows 1", 30, 12.5m), Named("rows 2", 60, 40m)], CancellationToken.None));
        Assert.Equal(1, await context.InsertKeyedRowsAsync([Named("rows 3", 90, 75.25m)], CancellationToken.None));

        await using var reader = database.NewContext();
        var stored = await reader.Groups.Where(g => g.Name.StartsWith("rows ")).OrderBy(g => g.Name).ToListAsync();
        Assert.Equal([(30, 3.0, 12.5m, 30_000L), (60, 6.0, 40m, 60_000L), (90, 9.0, 75.25m, 90_000L)],
            stored.Select(g => (g.Thresholds.HeartbeatTimeoutSeconds, g.Thresholds.OverrunFactor, g.Budgets.MonthlyUsd, g.Budgets.PerItemTokens)));
        Assert.All(stored, g => Assert.Null(g.Thresholds.ProgressTimeoutSeconds));

        // A row without its thresholds is refused, as a tracked save refuses it, not written as nulls.
        var without = Named("rows 5", 1, 1m);
        without.Thresholds = null!;
        await Assert.ThrowsAsync<InvalidOperationException>(() => context.InsertKeyedRowsAsync([Named("rows 4", 1, 1m), without], CancellationToken.None));
        Assert.Equal(3, await reader.Groups.CountAsync(g => g.Name.StartsWith("rows ")));
    }

    [Theory]
    [MemberData(nameof(ProviderData.Both), MemberType = typeof(ProviderData))]
    public async Task An_attempts_usage_is_written_to_its_columns(DatabaseProvider provider)
    {
        // An attempt's usage is held in a Usage object and stored through three plain properties (IHasUsage).
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var graph = await SeedAsync(database);
        Assignment Attempt(WorkItem item, int attempt, long tokens) => new()
        {
            Id = Guid.CreateVersion7(), GroupId = graph.Group.Id, WorkItemId = item.Id, AgentId = graph.Agent.Id, MemberKind = MemberKind.Agent,
            Role = AssignmentRole.Work, Attempt = attempt, OfferedAt = SampleGraph.Now, Outcome = AssignmentOutcome.Active, Reason = $"attempt {attempt}",
            Usage = { InputTokens = tokens, OutputTokens = tokens * 2, CostUsd = tokens / 100m },
        };
        await using var context = database.NewContext();

        Assert.Equal(2, await context.InsertKeyedRowsAsync([Attempt(graph.Design, 1, 120), Attempt(graph.Build, 1, 340)], CancellationToken.None));

        await using var reader = database.NewContext();
        var stored = await reader.Assignments.Where(a => a.GroupId == graph.Group.Id && a.Reason.StartsWith("attempt ")).OrderBy(a => a.UsageInputTokens).ToListAsync();
        Assert.Equal([(120L, 240L, 1.2m), (340L, 680L, 3.4m)], stored.Select(a => (a.Usage.InputTokens, a.Usage.OutputTokens, a.Usage.CostUsd)));
    }

    [Fact]
    public async Task A_value_too_long_for_its_column_is_refused_on_PostgreSQL_not_cut_short()
    {
        // Several rows go as one array a column; a cast of the array to varchar(100)[] would cut the value short without a word.
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        var graph = await SeedAsync(database);
        var events = new[] { "work.short", new string('x', 101) }.Select(type => new TrailEvent
        {
            GroupId = graph.Group.Id, At = SampleGraph.Now, ActorKind = MemberKind.Coordinator, Type = type, DataJson = "{}",
        }).ToList();
        await using var context = database.NewContext();

        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => context.InsertRowsAsync(events, CancellationToken.None));

        await using var reader = database.NewContext();
        Assert.False(await reader.TrailEvents.AnyAsync(e => e.Type == "work.short" || e.Type.StartsWith("xxx")));
    }

    private static async Task<SampleGraph> SeedAsync(TestDatabase database)
    {
        var graph = SampleGraph.Create();
        await using var setup = database.NewContext();
        setup.Users.Add(graph.User);
        setup.Groups.Add(graph.Group);
        setup.Agents.Add(graph.Agent);
        setup.WorkItems.AddRange(graph.Design, graph.Build);
        await setup.SaveChangesAsync();
        return graph;
    }
}
