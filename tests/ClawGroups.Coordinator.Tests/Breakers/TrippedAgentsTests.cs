using ClawGroups.Coordinator.Breakers;
using ClawGroups.Coordinator.Tests.Assignments;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;

namespace ClawGroups.Coordinator.Tests.Breakers;

/// <summary>
/// A group's tripped agents, and what a new ending does to its agent's breaker, read in SQL from the failures since each
/// agent's last completed attempt, are what reading all of its endings gives, on both databases.
/// </summary>
public sealed class TrippedAgentsTests
{
    /// <summary>Whole seconds, so that what PostgreSQL keeps (microseconds) reads back exactly.</summary>
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task The_group_query_finds_the_breakers_all_of_each_agents_endings_give(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var options = new BreakerOptions();
        var endings = await SeedAsync(database, group);

        await using var context = database.NewContext();
        var tripped = await FailureStreak.TrippedInGroupAsync(context, group.GroupId, options, Now, CancellationToken.None);
        // A live update about some agents reads only theirs.
        var one = tripped.Keys.First();
        var asked = await FailureStreak.TrippedInGroupAsync(context, group.GroupId, options, Now, CancellationToken.None, [one, endings.Keys.Last()]);

        var expected = endings
            .Select(e => FailureStreak.Read(e.Key, WithinLookback(e.Value), options))
            .OfType<AgentBreaker>()
            .ToList();
        Assert.Equal(2, expected.Count);
        Assert.Equal(expected.OrderBy(b => b.AgentId), tripped.Values.OrderBy(b => b.AgentId));
        Assert.Equal([1, 2], tripped.Values.Select(b => b.Trips).Order());
        Assert.Equal(tripped[one], Assert.Single(asked).Value);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres, AssignmentOutcome.Failed)]
    [InlineData(DatabaseProvider.Postgres, AssignmentOutcome.Completed)]
    [InlineData(DatabaseProvider.Sqlite, AssignmentOutcome.Failed)]
    [InlineData(DatabaseProvider.Sqlite, AssignmentOutcome.Completed)]
    public async Task A_new_ending_trips_or_releases_as_all_of_its_agents_endings_say(DatabaseProvider provider, AssignmentOutcome outcome)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var options = new BreakerOptions();
        var endings = await SeedAsync(database, group);

        foreach (var (agentId, earlier) in endings)
        {
            var item = await group.AddItemAsync($"ends {outcome} now");
            await using var context = database.NewContext();
            var ended = new Assignment
            {
                Id = Guid.CreateVersion7(), WorkItemId = item.Id, GroupId = group.GroupId, MemberKind = MemberKind.Agent, AgentId = agentId,
                Attempt = 1, Role = AssignmentRole.Work, OfferedAt = Now, EndedAt = Now, Outcome = outcome,
            };

            await FailureStreak.RecordAsync(context, ended, options, Now, CancellationToken.None);

            var before = FailureStreak.Read(agentId, WithinLookback(earlier), options);
            var after = FailureStreak.Read(agentId, WithinLookback(earlier).Append((Now, outcome)), options);
            var expected = after is not null ? "breaker.tripped" : before is not null ? "breaker.released" : null;
            Assert.Equal(expected, context.TrailEvents.Local.SingleOrDefault()?.Type);
        }
    }

    private static IEnumerable<(DateTimeOffset, AssignmentOutcome)> WithinLookback((int MinutesAgo, AssignmentOutcome Outcome)[] endings)
        => endings.Where(x => x.MinutesAgo < 60 * 24 * 7).Select(x => (Now.AddMinutes(-x.MinutesAgo), x.Outcome));

    /// <summary>Four agents whose endings cover what the streak counts, skips, breaks on and forgets.</summary>
    private static async Task<Dictionary<Guid, (int MinutesAgo, AssignmentOutcome Outcome)[]>> SeedAsync(TestDatabase database, PassGroup group)
    {
        var endings = new Dictionary<Guid, (int MinutesAgo, AssignmentOutcome Outcome)[]>
        {
            // Three failures since its last completion; a decline in between neither counts nor breaks the streak.
            [(await group.AddAgentAsync("after a completion")).Id] =
                [(60, AssignmentOutcome.Completed), (50, AssignmentOutcome.Failed), (45, AssignmentOutcome.Declined), (40, AssignmentOutcome.Stalled), (30, AssignmentOutcome.Rejected)],
            // A completion after three failures closes it.
            [(await group.AddAgentAsync("recovered")).Id] =
                [(60, AssignmentOutcome.Failed), (50, AssignmentOutcome.Failed), (40, AssignmentOutcome.Failed), (30, AssignmentOutcome.Completed)],
            // Four in a row: tripped twice.
            [(await group.AddAgentAsync("never completed")).Id] =
                [(60, AssignmentOutcome.Failed), (50, AssignmentOutcome.Stalled), (40, AssignmentOutcome.Failed), (30, AssignmentOutcome.Failed)],
            // Failures older than the lookback do not count.
            [(await group.AddAgentAsync("long ago")).Id] =
                [(60 * 24 * 8, AssignmentOutcome.Failed), (60 * 24 * 8, AssignmentOutcome.Failed), (60 * 24 * 8, AssignmentOutcome.Failed), (10, AssignmentOutcome.Failed)],
        };
        foreach (var (agentId, ended) in endings)
        {
            foreach (var (minutesAgo, outcome) in ended)
            {
                await AddEndingAsync(database, group, agentId, Now.AddMinutes(-minutesAgo), outcome);
            }
        }

        return endings;
    }

    private static async Task AddEndingAsync(TestDatabase database, PassGroup group, Guid agentId, DateTimeOffset endedAt, AssignmentOutcome outcome)
    {
        var item = await group.AddItemAsync($"ended {outcome} at {endedAt:O}");
        await using var context = database.NewContext();
        context.Assignments.Add(new Assignment
        {
            Id = Guid.CreateVersion7(), WorkItemId = item.Id, GroupId = group.GroupId, MemberKind = MemberKind.Agent, AgentId = agentId,
            Attempt = 1, Role = AssignmentRole.Work, OfferedAt = endedAt, EndedAt = endedAt, Outcome = outcome,
        });
        await context.SaveChangesAsync();
    }
}
