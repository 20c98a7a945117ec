using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Learning;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Lexical;
using ClawGroups.Inference.Skills;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>Each item's text is read once and the reading kept; passes give the model what was kept.</summary>
public sealed class ItemReadingsTests
{
    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task An_item_is_read_after_the_commit_that_creates_it_and_the_reading_is_kept_with_it(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var model = new ScriptedSkillModel(readingVersion: "v1");
        var written = new WrittenTexts();

        await using var context = database.NewContext();
        var service = new WorkItemService(context, new WorkItemLifecycle(context, TimeProvider.System, written));
        var created = await service.CreateAsync(new Caller(MemberKind.Human, Guid.NewGuid(), "Ada", IsInstanceOwner: true), group.GroupId,
            new CreateWorkItemRequest("Restart the stuck pods", null, null, null, null, null), CancellationToken.None);
        var id = created.Value!.Id;
        // The request reads nothing: it only says, after its commit, that the text was written.
        Assert.Empty(model.ReadCalls);
        Assert.Equal([id], written.Written);

        Assert.Equal(1, await written.ReadAsync(database, model));

        await using var reader = database.NewContext();
        var stored = await reader.WorkItems.SingleAsync(w => w.Id == id);
        Assert.Equal("Restart the stuck pods", Assert.Single(Assert.Single(model.ReadCalls)).Title);
        Assert.Equal(new ItemReading("v1", ScriptedSkillModel.VectorOf("Restart the stuck pods")), ItemReadings.Of(stored), ReadingComparer.Instance);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_hand_back_note_drops_the_kept_reading_and_the_next_pass_reads_the_note_with_the_text(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        // A member with a free slot whom the required skill keeps from taking the item: the pass reads, then offers nothing.
        await group.AddAgentAsync("generalist");
        var model = new ScriptedSkillModel(readingVersion: "v1");
        var ada = new Caller(MemberKind.Human, Guid.NewGuid(), "Ada", IsInstanceOwner: true);
        Guid id;
        var written = new WrittenTexts();
        await using (var context = database.NewContext())
        {
            var created = await new WorkItemService(context, new WorkItemLifecycle(context, TimeProvider.System, written)).CreateAsync(ada, group.GroupId,
                new CreateWorkItemRequest("Make the usage chart readable", "It is unreadable on phones.", ["frontend"], null, null, null), CancellationToken.None);
            id = created.Value!.Id;
        }

        Assert.Equal(1, await written.ReadAsync(database, model));
        await using (var context = database.NewContext())
        {
            var lifecycle = new WorkItemLifecycle(context, TimeProvider.System, NoWorkSignals.Instance);
            var items = new WorkItemService(context, lifecycle);
            var work = new HumanWorkService(context, lifecycle, items, new FixedOptionsMonitor<CoordinatorOptions>(new CoordinatorOptions()));
            Assert.True((await work.TakeOverAsync(ada, id, CancellationToken.None)).Succeeded);
            Assert.True((await work.HandBackAsync(ada, id, new HandBackRequest("Front-end please"), CancellationToken.None)).Succeeded);
        }

        await using (var reader = database.NewContext())
        {
            Assert.Null(ItemReadings.Of(await reader.WorkItems.SingleAsync(w => w.Id == id)));
        }

        await group.RunPassAsync(model);

        var read = Assert.Single(model.ReadCalls.Skip(1));
        Assert.Equal("Front-end please. It is unreadable on phones.", Assert.Single(read).Description);
        await using var after = database.NewContext();
        Assert.Equal("v1", (await after.WorkItems.SingleAsync(w => w.Id == id)).ReadingVersion);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_hand_back_note_has_the_item_read_again_after_the_commit_with_the_note(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        var model = new ScriptedSkillModel(readingVersion: "v1");
        var ada = new Caller(MemberKind.Human, Guid.NewGuid(), "Ada", IsInstanceOwner: true);
        var written = new WrittenTexts();
        Guid id;
        await using (var context = database.NewContext())
        {
            var lifecycle = new WorkItemLifecycle(context, TimeProvider.System, written);
            var created = await new WorkItemService(context, lifecycle).CreateAsync(ada, group.GroupId,
                new CreateWorkItemRequest("Make the usage chart readable", "It is unreadable on phones.", ["frontend"], null, null, null), CancellationToken.None);
            id = created.Value!.Id;
        }

        Assert.Equal(1, await written.ReadAsync(database, model));
        await using (var context = database.NewContext())
        {
            var lifecycle = new WorkItemLifecycle(context, TimeProvider.System, written);
            var work = new HumanWorkService(context, lifecycle, new WorkItemService(context, lifecycle),
                new FixedOptionsMonitor<CoordinatorOptions>(new CoordinatorOptions()));
            Assert.True((await work.TakeOverAsync(ada, id, CancellationToken.None)).Succeeded);
            Assert.True((await work.HandBackAsync(ada, id, new HandBackRequest("Front-end please"), CancellationToken.None)).Succeeded);
        }

        // No pass: the hand-back's commit said the text changed, and the reader's round reads it with the note.
        Assert.Equal([id], written.Written);
        Assert.Equal(1, await written.ReadAsync(database, model));
        var read = Assert.Single(model.ReadCalls.Skip(1));
        Assert.Equal("Front-end please. It is unreadable on phones.", Assert.Single(read).Description);
        await using var after = database.NewContext();
        Assert.Equal(new ItemReading("v1", ScriptedSkillModel.VectorOf("Make the usage chart readable")),
            ItemReadings.Of(await after.WorkItems.SingleAsync(w => w.Id == id)), ReadingComparer.Instance);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_pass_reads_the_items_it_finds_unread_in_one_batch_keeps_the_readings_and_the_next_pass_reads_nothing(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        // A member with a free slot (a pass with no free slot reads nothing) whom the items' required skill keeps from taking them.
        await group.AddAgentAsync("generalist");
        var unread = await group.AddItemAsync("Rotate the TLS certificates", NeedsACertificateExpert);
        var outdated = await group.AddItemAsync("Patch the base images", w =>
        {
            NeedsACertificateExpert(w);
            (w.ReadingVersion, w.ReadingVector) = ("v0", ItemReadings.ToBytes([9f]));
        });
        var model = new ScriptedSkillModel(readingVersion: "v1");

        await group.RunPassAsync(model);
        await group.RunPassAsync(model);

        var read = Assert.Single(model.ReadCalls);
        Assert.Equal(new[] { unread.Title, outdated.Title }.Order(), read.Select(t => t.Title).Order());
        Assert.All(model.ScoreCalls, texts => Assert.All(texts, t => Assert.Equal(ScriptedSkillModel.VectorOf(t.Title), t.Reading!.Vector)));
        await using var reader = database.NewContext();
        foreach (var item in await reader.WorkItems.ToListAsync())
        {
            Assert.Equal("v1", item.ReadingVersion);
            Assert.Equal(ScriptedSkillModel.VectorOf(item.Title), ItemReadings.Of(item)!.Vector);
            // Keeping a reading is not a change anyone must re-read before moving the item.
            Assert.Equal(new[] { unread, outdated }.Single(w => w.Id == item.Id).Version, item.Version);
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_pass_keeping_a_reading_does_not_make_a_person_s_concurrent_move_of_the_item_fail(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("generalist");
        var item = await group.AddItemAsync("Rotate the TLS certificates", NeedsACertificateExpert);
        await using var person = database.NewContext();
        var seenByPerson = await person.WorkItems.SingleAsync(w => w.Id == item.Id);

        await group.RunPassAsync(new ScriptedSkillModel(readingVersion: "v1"));
        seenByPerson.State = WorkItemState.Cancelled;
        await person.SaveChangesAsync();

        await using var reader = database.NewContext();
        var stored = await reader.WorkItems.SingleAsync(w => w.Id == item.Id);
        Assert.Equal(WorkItemState.Cancelled, stored.State);
        Assert.Equal("v1", stored.ReadingVersion);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_reading_of_text_that_changed_while_the_pass_read_it_is_not_kept(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("generalist");
        var item = await group.AddItemAsync("Rotate the TLS certificates", NeedsACertificateExpert);
        var model = new ScriptedSkillModel(readingVersion: "v1")
        {
            WhileReading = () =>
            {
                using var editor = database.NewContext();
                editor.WorkItems.Single(w => w.Id == item.Id).Title = "Rotate the SSH keys";
                editor.SaveChanges();
            },
        };

        await group.RunPassAsync(model);

        await using var reader = database.NewContext();
        var stored = await reader.WorkItems.SingleAsync(w => w.Id == item.Id);
        Assert.Equal("Rotate the SSH keys", stored.Title);
        Assert.Null(stored.ReadingVector);
    }

    [Fact]
    public async Task A_model_that_reads_text_afresh_each_time_has_nothing_kept()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("pixel");
        await group.AddItemAsync("Fix the dark mode colours");

        Assert.Equal(1, await group.RunPassAsync(new LexicalSkillModel()));

        await using var reader = database.NewContext();
        var stored = await reader.WorkItems.SingleAsync();
        Assert.Null(stored.ReadingVector);
        Assert.Null(stored.ReadingVersion);
    }

    [Fact]
    public void A_reading_is_kept_as_little_endian_float32_and_read_back_the_same()
    {
        float[] vector = [1f, -0.5f, 3.25e-7f, float.MaxValue];

        var bytes = ItemReadings.ToBytes(vector);

        Assert.Equal(new byte[] { 0, 0, 0x80, 0x3f }, bytes[..4]);
        Assert.Equal(vector, ItemReadings.ToVector(bytes));
    }

    [Fact]
    public void The_same_bytes_are_decoded_once_and_other_bytes_afresh()
    {
        var bytes = ItemReadings.ToBytes([0.25f, 2f]);
        var copy = (byte[])bytes.Clone();

        var first = ItemReadings.ToVector(bytes);

        Assert.Same(first, ItemReadings.ToVector(bytes));
        Assert.NotSame(first, ItemReadings.ToVector(copy));
        Assert.Equal(first, ItemReadings.ToVector(copy));
    }

    private sealed class ReadingComparer : IEqualityComparer<ItemReading?>
    {
        public static readonly ReadingComparer Instance = new();

        public bool Equals(ItemReading? x, ItemReading? y) => x?.Version == y?.Version && (x?.Vector ?? []).SequenceEqual(y?.Vector ?? []);

        public int GetHashCode(ItemReading? obj) => obj?.Version.GetHashCode(StringComparison.Ordinal) ?? 0;
    }

    private static void NeedsACertificateExpert(WorkItem item) => item.RequiredSkills.Add("pki");
}
