using ClawGroups.Data.Database;
using ClawGroups.Data.Idempotency;
using ClawGroups.Testing.Databases;
using ClawGroups.Web.Api;
using Microsoft.AspNetCore.Http;

namespace ClawGroups.Web.Tests.Api;

public sealed class AnsweredKeysTests
{
    [Fact]
    public void Until_it_is_loaded_every_key_may_have_an_answer()
    {
        var keys = new AnsweredKeys();

        Assert.False(keys.Loaded);
        Assert.True(keys.MayHave(Guid.NewGuid(), "never-seen"));
    }

    [Fact]
    public async Task Once_loaded_it_has_the_stored_keys_and_the_added_ones_and_not_others()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var caller = Guid.NewGuid();
        await using (var setup = database.NewContext())
        {
            setup.IdempotencyRecords.AddRange(Enumerable.Range(0, 500).Select(i => Stored(caller, $"stored-{i}")));
            await setup.SaveChangesAsync();
        }

        var keys = new AnsweredKeys();
        await keys.LoadAsync(new CountingContextFactory(database), CancellationToken.None);
        keys.Add(caller, "added");

        Assert.True(keys.Loaded);
        Assert.All(Enumerable.Range(0, 500), i => Assert.True(keys.MayHave(caller, $"stored-{i}")));
        Assert.True(keys.MayHave(caller, "added"));
        // A key is the caller's: another caller's same key, and keys never stored, are (almost all) "no".
        Assert.False(keys.MayHave(Guid.NewGuid(), "stored-0"));
        var falseMaybes = Enumerable.Range(0, 10_000).Count(i => keys.MayHave(caller, $"new-{i}"));
        Assert.True(falseMaybes < 10, $"{falseMaybes} of 10,000 new keys read as maybe");
    }

    private static IdempotencyRecord Stored(Guid caller, string key) => new()
    {
        CallerId = caller, Key = key, Method = HttpMethods.Post, Path = "/api/v1/work-items/x/accept", RequestHash = "hash",
        StatusCode = StatusCodes.Status200OK, ResponseBody = "{}", ContentType = "application/json", CreatedAt = DateTimeOffset.UtcNow,
    };
}
