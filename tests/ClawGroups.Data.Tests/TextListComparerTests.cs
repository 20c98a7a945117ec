using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Data.Tests;

public sealed class TextListComparerTests
{
    private static readonly TextListComparer Comparer = new();

    [Fact]
    public void Lists_are_the_same_when_they_hold_the_same_texts_in_the_same_order_and_case()
    {
        Assert.True(Comparer.Equals(["react", "css"], ["react", "css"]));
        Assert.True(Comparer.Equals([], []));
        Assert.True(Comparer.Equals(null, null));
        Assert.False(Comparer.Equals(["react", "css"], ["css", "react"]));
        Assert.False(Comparer.Equals(["react"], ["React"]));
        Assert.False(Comparer.Equals(["react"], ["react", "css"]));
        Assert.False(Comparer.Equals(["react"], null));
        Assert.Equal(Comparer.GetHashCode(["react", "css"]), Comparer.GetHashCode(["react", "css"]));
        Assert.NotEqual(Comparer.GetHashCode(["react", "css"]), Comparer.GetHashCode(["css", "react"]));
    }

    [Fact]
    public void A_snapshot_is_a_copy_that_a_change_in_place_does_not_reach()
    {
        List<string> skills = ["react"];

        var snapshot = Comparer.Snapshot(skills);
        skills.Add("css");

        Assert.NotSame(skills, snapshot);
        Assert.Equal(["react"], snapshot);
    }

    [Fact]
    public void Every_list_of_text_in_the_model_is_compared_by_it()
    {
        using var context = new ClawDbContext(new DbContextOptionsBuilder<ClawDbContext>().UseSqlite("Data Source=:memory:").Options);

        var lists = context.Model.GetEntityTypes().SelectMany(e => e.GetProperties()).Where(p => p.ClrType == typeof(List<string>)).ToList();

        Assert.Contains(lists, p => p.DeclaringType.ClrType == typeof(WorkItem) && p.Name == nameof(WorkItem.RequiredSkills));
        Assert.True(lists.Count >= 5, $"only {lists.Count} lists of text in the model");
        Assert.All(lists, p => Assert.IsType<TextListComparer>(p.GetValueComparer()));
    }

    [Theory]
    [MemberData(nameof(ProviderData.Both), MemberType = typeof(ProviderData))]
    public async Task A_list_changed_in_place_is_saved_and_one_left_alone_is_not_written(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var graph = SampleGraph.Create();
        await using (var context = database.NewContext())
        {
            context.Users.Add(graph.User);
            context.Groups.Add(graph.Group);
            context.WorkItems.AddRange(graph.Design, graph.Build);
            await context.SaveChangesAsync();
        }

        await using (var context = database.NewContext())
        {
            var item = await context.WorkItems.SingleAsync(w => w.Id == graph.Design.Id);
            var other = await context.WorkItems.SingleAsync(w => w.Id == graph.Build.Id);
            item.RequiredSkills.Add("a11y");
            item.RequiredSkills[0] = "vue";
            context.ChangeTracker.DetectChanges();

            Assert.Equal(EntityState.Modified, context.Entry(item).State);
            Assert.True(context.Entry(item).Property(w => w.RequiredSkills).IsModified);
            Assert.Equal(EntityState.Unchanged, context.Entry(other).State);
            await context.SaveChangesAsync();
        }

        await using var reader = database.NewContext();
        Assert.Equal(["vue", "css", "a11y"], (await reader.WorkItems.SingleAsync(w => w.Id == graph.Design.Id)).RequiredSkills);
    }
}
