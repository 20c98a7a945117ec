using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Learning;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>The words a reading kept when an item was written are what a pass explains its matches from, while they fit the text.</summary>
public sealed class KeptWordsTests
{
    private static readonly Caller Ada = new(MemberKind.Human, Guid.NewGuid(), "Ada", IsInstanceOwner: true);

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_pass_explains_an_item_from_the_words_its_reading_kept_when_it_was_created(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("generalist");
        var model = new ScriptedSkillModel(readingVersion: "v1") { KeepsWords = true };
        await CreateAsync(database, model, group.GroupId, "Restart the stuck pods");

        Assert.Equal(1, await group.RunPassAsync(model));

        var explained = Assert.Single(Assert.Single(model.ExplainCalls));
        Assert.Equal(ScriptedSkillModel.WordsOf("Restart the stuck pods"), explained.Item.Reading!.Words, WordsComparer.Instance);
        // Read once, after it was created: the pass read nothing.
        Assert.Single(model.ReadCalls);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task An_edit_keeps_the_words_of_the_new_text(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("generalist");
        var model = new ScriptedSkillModel(readingVersion: "v1") { KeepsWords = true };
        var id = await CreateAsync(database, model, group.GroupId, "Restart the stuck pods");
        await using (var context = database.NewContext())
        {
            var written = new WrittenTexts();
            Assert.True((await Service(context, written).EditAsync(Ada, id, new EditWorkItemRequest("Rotate the TLS certificates", null, null, null), CancellationToken.None)).Succeeded);
            Assert.Equal(1, await written.ReadAsync(database, model));
        }

        await group.RunPassAsync(model);

        var explained = Assert.Single(Assert.Single(model.ExplainCalls));
        Assert.Equal(ScriptedSkillModel.WordsOf("Rotate the TLS certificates"), explained.Item.Reading!.Words, WordsComparer.Instance);
        await using var reader = database.NewContext();
        Assert.Equal(id, Assert.Single(await reader.WorkItemReadingWords.ToListAsync()).WorkItemId);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Words_kept_from_other_text_or_by_another_model_are_not_handed_to_the_model(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        await group.AddAgentAsync("generalist", capacity: 2);
        var model = new ScriptedSkillModel(readingVersion: "v1") { KeepsWords = true };
        var retitled = await CreateAsync(database, model, group.GroupId, "Restart the stuck pods");
        var otherModel = await CreateAsync(database, model, group.GroupId, "Patch the base images");
        await using (var context = database.NewContext())
        {
            // Text changed without the words being read again (as a hand-back note changes what the model reads), and words
            // of another model's reading.
            await context.WorkItems.Where(w => w.Id == retitled).ExecuteUpdateAsync(set => set.SetProperty(w => w.Title, "Rotate the TLS certificates"));
            await context.WorkItemReadingWords.Where(r => r.WorkItemId == otherModel).ExecuteUpdateAsync(set => set.SetProperty(r => r.ReadingVersion, "v0"));
        }

        Assert.Equal(2, await group.RunPassAsync(model));

        Assert.All(Assert.Single(model.ExplainCalls), match => Assert.Null(match.Item.Reading!.Words));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_pass_that_reads_an_item_keeps_its_words_and_replaces_words_of_an_older_text(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var group = await PassGroup.CreateAsync(database);
        // A member with a free slot whom the items' required skill keeps from taking them: the pass reads, then offers nothing.
        await group.AddAgentAsync("generalist");
        var unread = await group.AddItemAsync("Rotate the TLS certificates", w => w.RequiredSkills.Add("pki"));
        var model = new ScriptedSkillModel(readingVersion: "v1") { KeepsWords = true };
        var edited = await CreateAsync(database, model, group.GroupId, "Patch the base images", requiredSkill: "pki");
        await using (var context = database.NewContext())
        {
            // The text changed and the reading was dropped (as a hand-back note does): the pass reads it again.
            await context.WorkItems.Where(w => w.Id == edited).ExecuteUpdateAsync(set => set
                .SetProperty(w => w.Title, "Patch the base images again").SetProperty(w => w.ReadingVector, (byte[]?)null).SetProperty(w => w.ReadingVersion, (string?)null));
        }

        await group.RunPassAsync(model);

        await using var reader = database.NewContext();
        var kept = await reader.WorkItemReadingWords.ToDictionaryAsync(r => r.WorkItemId);
        foreach (var (id, title) in new[] { (unread.Id, unread.Title), (edited, "Patch the base images again") })
        {
            Assert.Equal("v1", kept[id].ReadingVersion);
            Assert.Equal(ScriptedSkillModel.WordsOf(title), KeptWords.FromBytes(kept[id].Words), WordsComparer.Instance);
            var item = await reader.WorkItems.SingleAsync(w => w.Id == id);
            Assert.Equal(KeptWords.TextHash(AssignmentCandidates.ToText(item)), kept[id].TextHash);
        }
    }

    [Fact]
    public void Kept_words_are_stored_and_read_back_the_same()
    {
        var words = new ReadingWords(["restart", "pods", "café"], [1, 2, 3], [1f, -0.5f, 3.25e-7f, float.MaxValue, 0f, -2f]);

        var back = KeptWords.FromBytes(KeptWords.ToBytes(words));

        Assert.Equal(words, back, WordsComparer.Instance);
        Assert.Equal(2, back.Hidden);
    }

    /// <summary>A service whose commits' written texts are read as the app reads them, once the call has returned.</summary>
    private static WorkItemService Service(ClawDbContext context, WrittenTexts written) =>
        new(context, new WorkItemLifecycle(context, TimeProvider.System, written));

    private static async Task<Guid> CreateAsync(TestDatabase database, ISkillModel model, Guid groupId, string title, string? requiredSkill = null)
    {
        var written = new WrittenTexts();
        await using var context = database.NewContext();
        var created = await Service(context, written).CreateAsync(
            Ada, groupId, new CreateWorkItemRequest(title, null, requiredSkill is null ? null : [requiredSkill], null, null, null), CancellationToken.None);
        await written.ReadAsync(database, model);
        return created.Value!.Id;
    }

    private sealed class WordsComparer : IEqualityComparer<ReadingWords?>
    {
        public static WordsComparer Instance { get; } = new();

        public bool Equals(ReadingWords? x, ReadingWords? y) =>
            x is not null && y is not null && x.Words.SequenceEqual(y.Words) && x.Pieces.SequenceEqual(y.Pieces) && x.States.SequenceEqual(y.States);

        public int GetHashCode(ReadingWords? obj) => obj?.Words.Count ?? 0;
    }
}
