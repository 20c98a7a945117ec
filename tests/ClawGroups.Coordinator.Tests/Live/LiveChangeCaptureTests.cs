using ClawGroups.Coordinator.Cluster;
using ClawGroups.Coordinator.Live;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ClawGroups.Coordinator.Tests.Live;

/// <summary>Changes are announced exactly when others can see them: after the save, or after the transaction commits.</summary>
public sealed class LiveChangeCaptureTests : IDisposable
{
    private readonly AnnouncedChanges _announced = new();
    private readonly TestDatabase _database = TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite).GetAwaiter().GetResult();

    [Fact]
    public async Task A_save_is_announced_once_it_is_done()
    {
        await using var context = Context();
        var group = NewGroup();
        context.Groups.Add(group);

        Assert.Empty(_announced.Changes);
        await context.SaveChangesAsync();

        Assert.Contains(LiveChange.Group(group.Id), _announced.Changes);
    }

    [Fact]
    public async Task A_save_inside_a_transaction_is_announced_only_when_it_commits()
    {
        await using var context = Context();
        await using var transaction = await context.Database.BeginTransactionAsync();
        var group = NewGroup();
        context.Groups.Add(group);
        await context.SaveChangesAsync();

        Assert.Empty(_announced.Changes);
        await transaction.CommitAsync();

        Assert.Contains(LiveChange.Group(group.Id), _announced.Changes);
    }

    [Fact]
    public async Task A_save_in_a_rolled_back_transaction_is_never_announced()
    {
        await using var context = Context();
        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            context.Groups.Add(NewGroup());
            await context.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        await using var later = await context.Database.BeginTransactionAsync();
        await later.CommitAsync();

        Assert.Empty(_announced.Changes);
    }

    [Fact]
    public async Task A_pooled_context_does_not_carry_an_abandoned_transaction_into_the_next_lease()
    {
        // The app pools its contexts. A transaction disposed without commit or rollback tells no interceptor: what it saved
        // must not be announced when the next request on the same context commits.
        var pool = new PooledDbContextFactory<ClawDbContext>(Options(), poolSize: 1);
        var abandoned = NewGroup();
        ClawDbContext first;
        await using (first = pool.CreateDbContext())
        {
            await using var transaction = await first.Database.BeginTransactionAsync();
            first.Groups.Add(abandoned);
            await first.SaveChangesAsync();
        }

        await using var next = pool.CreateDbContext();
        Assert.Same(first, next);
        await using var committed = await next.Database.BeginTransactionAsync();
        var group = NewGroup();
        next.Groups.Add(group);
        await next.SaveChangesAsync();
        await committed.CommitAsync();

        Assert.Contains(LiveChange.Group(group.Id), _announced.Changes);
        Assert.DoesNotContain(LiveChange.Group(abandoned.Id), _announced.Changes);
    }

    public void Dispose() => _database.Dispose();

    private ClawDbContext Context() => new(Options());

    private DbContextOptions<ClawDbContext> Options()
    {
        var capture = new LiveChangeCapture(new LiveChanges(_announced));
        return new DbContextOptionsBuilder<ClawDbContext>(_database.ContextOptions())
            .AddInterceptors(capture, new LiveChangeCommitWatch(capture))
            .Options;
    }

    private static Group NewGroup() => new() { Id = Guid.CreateVersion7(), Name = "live", CreatedAt = DateTimeOffset.UtcNow };

}
