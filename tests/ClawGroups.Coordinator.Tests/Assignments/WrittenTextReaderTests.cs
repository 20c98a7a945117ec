using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Goals;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Lexical;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>Texts written about the same time are read together after their commits, off the requests that wrote them.</summary>
public sealed class WrittenTextReaderTests
{
    private static readonly Caller Ada = new(MemberKind.Human, Guid.NewGuid(), "Ada", IsInstanceOwner: true);

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Items_created_by_separate_requests_in_two_groups_are_read_in_one_batch_and_their_readings_kept(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var (first, second) = (await PassGroup.CreateAsync(database), await PassGroup.CreateAsync(database));
        var model = new ScriptedSkillModel(readingVersion: "v1");
        var written = new WrittenTexts();
        var titles = new[] { "Restart the stuck pods", "Rotate the TLS certificates", "Write the release notes" };
        foreach (var (title, group) in titles.Zip([first, second, first]))
        {
            await CreateAsync(database, written, group.GroupId, title);
        }

        var read = await written.ReadAsync(database, model);

        Assert.Equal(3, read);
        Assert.Equal(titles.Order(), Assert.Single(model.ReadCalls).Select(t => t.Title).Order());
        await using var context = database.NewContext();
        Assert.All(await context.WorkItems.AsNoTracking().ToListAsync(), item =>
        {
            Assert.Equal("v1", item.ReadingVersion);
            Assert.Equal(ScriptedSkillModel.VectorOf(item.Title), ItemReadings.Of(item)!.Vector);
        });
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task An_item_a_pass_read_first_is_not_read_again(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("generalist");
        var model = new ScriptedSkillModel(readingVersion: "v1");
        var written = new WrittenTexts();
        await CreateAsync(database, written, group.GroupId, "Restart the stuck pods");
        await group.RunPassAsync(model);

        var read = await written.ReadAsync(database, model);

        Assert.Equal(0, read);
        Assert.Single(model.ReadCalls);
    }

    [Fact]
    public async Task Written_texts_are_read_shortly_after_they_are_signalled()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        var model = new ScriptedSkillModel(readingVersion: "v1");
        var written = new WrittenTexts();
        var ids = new[] { await CreateAsync(database, written, group.GroupId, "Restart the stuck pods"), await CreateAsync(database, written, group.GroupId, "Rotate the TLS certificates") };
        using var reader = WrittenTexts.Reader(database, model);

        await reader.StartAsync(CancellationToken.None);
        reader.Written(ids);
        try
        {
            await Testing.Waiting.Eventually.ReachAsync(
                async () =>
                {
                    await using var context = database.NewContext();
                    return await context.WorkItems.CountAsync(w => w.ReadingVersion == "v1");
                },
                count => count == 2, "both items read", TimeSpan.FromSeconds(10));
        }
        finally
        {
            await reader.StopAsync(CancellationToken.None);
        }

        Assert.Equal(2, Assert.Single(model.ReadCalls).Count);
    }

    [Fact]
    public async Task A_round_that_fails_leaves_its_items_unread_and_the_next_round_reads_on()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        var failures = 1;
        var model = new ScriptedSkillModel(readingVersion: "v1")
        {
            WhileReading = () =>
            {
                if (Interlocked.Decrement(ref failures) >= 0)
                {
                    throw new InvalidOperationException("The encoder failed on a batch.");
                }
            },
        };
        var written = new WrittenTexts();
        var (failed, next) = (await CreateAsync(database, written, group.GroupId, "Restart the stuck pods"), await CreateAsync(database, written, group.GroupId, "Rotate the TLS certificates"));
        using var reader = WrittenTexts.Reader(database, model);

        await reader.StartAsync(CancellationToken.None);
        try
        {
            reader.Written([failed]);
            await Testing.Waiting.Eventually.ReachAsync(() => Task.FromResult(model.ReadCalls.Count), count => count == 1, "the failed round", TimeSpan.FromSeconds(10));
            reader.Written([next]);
            await Testing.Waiting.Eventually.ReachAsync(
                async () =>
                {
                    await using var context = database.NewContext();
                    return await context.WorkItems.Where(w => w.ReadingVersion == "v1").Select(w => w.Id).ToListAsync();
                },
                ids => ids.Contains(next), "the next round's item read", TimeSpan.FromSeconds(10));
        }
        finally
        {
            await reader.StopAsync(CancellationToken.None);
        }

        await using var after = database.NewContext();
        // The failed round's item waits for a pass, as any unread item does.
        Assert.Null((await after.WorkItems.SingleAsync(w => w.Id == failed)).ReadingVersion);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_model_that_keeps_no_readings_has_nothing_read(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var written = new WrittenTexts();
        await CreateAsync(database, written, group.GroupId, "Restart the stuck pods");

        Assert.Equal(0, await written.ReadAsync(database, new LexicalSkillModel()));
    }

    [Fact]
    public async Task On_postgres_the_reader_holds_one_item_at_a_time_so_a_pass_keeping_the_same_items_in_another_order_cannot_deadlock_with_it()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        var group = await PassGroup.CreateAsync(database);
        var written = new WrittenTexts();
        var (first, second) = (await CreateAsync(database, written, group.GroupId, "Restart the stuck pods"), await CreateAsync(database, written, group.GroupId, "Rotate the TLS certificates"));
        await using var pass = database.NewContext();
        await using var passTransaction = await pass.Database.BeginTransactionAsync();
        // A pass keeping readings in the other order: the second item's row first.
        await pass.WorkItems.Where(w => w.Id == second).ExecuteUpdateAsync(set => set.SetProperty(w => w.ReadingVersion, "v1"));

        await using var readerContext = database.NewContext();
        var items = await readerContext.WorkItems.AsNoTracking().Where(w => w.Id == first || w.Id == second).OrderBy(w => w.Id == second).ToListAsync();
        var reading = ItemReadings.ReadMissingAsync(readerContext, new ScriptedSkillModel(readingVersion: "v1"), items, CancellationToken.None);
        // The reader keeps the first item's reading and commits it before it waits for the second's row.
        await Testing.Waiting.Eventually.ReachAsync(
            async () =>
            {
                await using var look = database.NewContext();
                return await look.WorkItems.Where(w => w.Id == first).Select(w => w.ReadingVersion).SingleAsync();
            },
            version => version == "v1", "the first item's reading committed", TimeSpan.FromSeconds(10));
        await pass.WorkItems.Where(w => w.Id == first).ExecuteUpdateAsync(set => set.SetProperty(w => w.ReadingVersion, "v1"));
        await passTransaction.CommitAsync();

        Assert.Equal(2, await reading);
    }

    [Fact]
    public async Task A_goals_sub_items_are_read_together_after_the_plan_that_creates_them()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        var model = new ScriptedSkillModel(readingVersion: "v1");
        var written = new WrittenTexts();
        await using var context = database.NewContext();
        var goal = new WorkItem { GroupId = group.GroupId, Kind = WorkItemKind.Goal, Title = "Ship the billing migration", State = WorkItemState.Backlog };
        context.WorkItems.Add(goal);
        await context.SaveChangesAsync();
        var lifecycle = new WorkItemLifecycle(context, TimeProvider.System, written);

        var created = await SubItems.CreateAsync(context, lifecycle, goal,
            [new PlanItemRequest("schema", "Migrate the billing tables"), new PlanItemRequest("backfill", "Backfill the invoices", DependsOn: ["schema"])], Ada,
            CancellationToken.None);
        await lifecycle.SaveAsync(CancellationToken.None);

        Assert.Equal(created.Select(i => i.Id).Order(), written.Written.Order());
        Assert.Equal(2, await written.ReadAsync(database, model));
        Assert.Equal(2, Assert.Single(model.ReadCalls).Count);
    }

    private static async Task<Guid> CreateAsync(TestDatabase database, WrittenTexts written, Guid groupId, string title)
    {
        await using var context = database.NewContext();
        var created = await new WorkItemService(context, new WorkItemLifecycle(context, TimeProvider.System, written))
            .CreateAsync(Ada, groupId, new CreateWorkItemRequest(title, null, null, null, null, null), CancellationToken.None);
        return created.Value!.Id;
    }
}
