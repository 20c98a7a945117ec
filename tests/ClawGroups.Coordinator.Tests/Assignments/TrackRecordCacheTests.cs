using ClawGroups.Coordinator.Assignments;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>A node's passes reuse a group's track records for the refresh interval, then read the endings since.</summary>
public sealed class TrackRecordCacheTests
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Records_are_reused_within_the_refresh_interval_and_read_again_after_it()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        var agent = await group.AddAgentAsync("steady");
        var now = DateTimeOffset.UtcNow;
        var cache = new TrackRecordCache();
        await AddEndingAsync(database, group, agent.Id, now.AddMinutes(-5));

        var first = await ReadAsync(database, cache, group, now);
        await AddEndingAsync(database, group, agent.Id, now);
        var within = await ReadAsync(database, cache, group, now + MaxAge - TimeSpan.FromSeconds(1));
        var after = await ReadAsync(database, cache, group, now + MaxAge);

        Assert.Equal(1, first.Of(agent.Id).Accepted);
        Assert.Same(first, within);
        Assert.Equal(2, after.Of(agent.Id).Accepted);
    }

    [Fact]
    public async Task No_interval_reads_on_every_pass_and_a_clock_set_back_reads_again()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        var now = DateTimeOffset.UtcNow;
        var cache = new TrackRecordCache();

        var first = await ReadAsync(database, cache, group, now);
        var again = await ReadAsync(database, cache, group, now, TimeSpan.Zero);
        var setBack = await ReadAsync(database, cache, group, now - TimeSpan.FromSeconds(1));

        Assert.NotSame(first, again);
        Assert.NotSame(again, setBack);
    }

    [Fact]
    public async Task Past_its_bound_on_groups_the_cache_starts_over()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var now = DateTimeOffset.UtcNow;
        var cache = new TrackRecordCache();
        await using var context = database.NewContext();
        var firstGroup = Guid.NewGuid();
        var kept = await cache.ForPassAsync(context, firstGroup, now, MaxAge, CancellationToken.None);

        for (var group = 1; group < TrackRecordCache.MaxCachedGroups; group++)
        {
            await cache.ForPassAsync(context, Guid.NewGuid(), now, MaxAge, CancellationToken.None);
        }

        var stillKept = await cache.ForPassAsync(context, firstGroup, now, MaxAge, CancellationToken.None);
        await cache.ForPassAsync(context, Guid.NewGuid(), now, MaxAge, CancellationToken.None);
        var afterOver = await cache.ForPassAsync(context, firstGroup, now, MaxAge, CancellationToken.None);

        Assert.Same(kept, stillKept);
        Assert.NotSame(kept, afterOver);
    }

    private static async Task<TrackRecords> ReadAsync(TestDatabase database, TrackRecordCache cache, PassGroup group, DateTimeOffset at, TimeSpan? maxAge = null)
    {
        await using var context = database.NewContext();
        return await cache.ForPassAsync(context, group.GroupId, at, maxAge ?? MaxAge, CancellationToken.None);
    }

    private static async Task AddEndingAsync(TestDatabase database, PassGroup group, Guid agentId, DateTimeOffset endedAt)
    {
        var item = await group.AddItemAsync($"done at {endedAt:O}");
        await using var context = database.NewContext();
        context.Assignments.Add(new Assignment
        {
            Id = Guid.CreateVersion7(), WorkItemId = item.Id, GroupId = group.GroupId, MemberKind = MemberKind.Agent, AgentId = agentId,
            Attempt = 1, Role = AssignmentRole.Work, OfferedAt = endedAt, EndedAt = endedAt, Outcome = AssignmentOutcome.Completed,
        });
        await context.SaveChangesAsync();
    }
}
