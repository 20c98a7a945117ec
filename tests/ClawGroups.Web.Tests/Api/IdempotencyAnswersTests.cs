using ClawGroups.Data.Database;
using ClawGroups.Data.Idempotency;
using ClawGroups.Testing.Databases;
using ClawGroups.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Tests.Api;

public sealed class IdempotencyAnswersTests
{
    [Fact]
    public async Task Answers_that_come_while_one_waits_for_the_writer_are_stored_together_in_the_next_turn()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var gate = new SqliteWriteGate();
        var factory = new GatedFactory(database, gate);
        var answers = new IdempotencyAnswers(factory, new AnsweredKeys());
        var caller = Guid.NewGuid();

        // Another writer holds SQLite's one writer while forty requests finish.
        await using var other = factory.CreateDbContext();
        var holding = await other.Database.BeginTransactionAsync();
        var turnsBefore = gate.Statistics.Turns;
        var stored = Enumerable.Range(0, 40).Select(i => answers.StoreAsync(Answer(caller, $"key-{i}"))).ToList();
        Assert.All(stored, task => Assert.False(task.IsCompleted));
        await holding.CommitAsync();
        await Task.WhenAll(stored).WaitAsync(TimeSpan.FromSeconds(30));

        // The first answer's statement waited for the writer alone; the 39 that came meanwhile went in one statement after it.
        Assert.Equal(2, gate.Statistics.Turns - turnsBefore);
        await using var reader = database.NewContext();
        Assert.Equal(40, await reader.IdempotencyRecords.CountAsync(r => r.CallerId == caller && r.StatusCode == StatusCodes.Status200OK));
    }

    [Fact]
    public async Task A_row_the_key_has_already_keeps_its_answer_and_the_others_of_its_turn_are_stored()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var caller = Guid.NewGuid();
        await using (var setup = database.NewContext())
        {
            setup.IdempotencyRecords.Add(Answer(caller, "left-before-a-restart", StatusCodes.Status201Created));
            await setup.SaveChangesAsync();
        }

        var answers = new IdempotencyAnswers(new GatedFactory(database, new SqliteWriteGate()), new AnsweredKeys());
        await Task.WhenAll(answers.StoreAsync(Answer(caller, "left-before-a-restart")), answers.StoreAsync(Answer(caller, "new")));

        await using var reader = database.NewContext();
        var rows = await reader.IdempotencyRecords.Where(r => r.CallerId == caller).ToDictionaryAsync(r => r.Key, r => r.StatusCode);
        Assert.Equal(new Dictionary<string, int> { ["left-before-a-restart"] = StatusCodes.Status201Created, ["new"] = StatusCodes.Status200OK }, rows);
    }

    private static IdempotencyRecord Answer(Guid caller, string key, int status = StatusCodes.Status200OK) => new()
    {
        CallerId = caller, Key = key, Method = HttpMethods.Post, Path = "/api/v1/work-items/x/accept", RequestHash = "hash", StatusCode = status,
        ResponseBody = "{}", ContentType = "application/json", CreatedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>Contexts that take turns at one SQLite write gate, as the app's do.</summary>
    private sealed class GatedFactory(TestDatabase database, SqliteWriteGate gate) : IDbContextFactory<ClawDbContext>
    {
        public ClawDbContext CreateDbContext() => new(new DbContextOptionsBuilder<ClawDbContext>(database.ContextOptions()).AddInterceptors(gate).Options);
    }
}
