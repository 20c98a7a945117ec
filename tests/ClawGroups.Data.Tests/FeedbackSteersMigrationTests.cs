using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClawGroups.Data.Tests;

/// <summary>
/// The FeedbackSteers migration marks what already steered an item away (decision 0024): declines, and attempts a person
/// reassigned away from; other endings stay unmarked. Run over rows that were there before it, by taking it back and applying
/// it again.
/// </summary>
public sealed class FeedbackSteersMigrationTests
{
    [Theory]
    [MemberData(nameof(ProviderData.Both), MemberType = typeof(ProviderData))]
    public async Task Existing_declines_and_attempts_a_person_reassigned_away_from_are_marked_steered_away(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var graph = SampleGraph.Create();
        var item = graph.Build;
        var declined = Attempt(graph, 2, AssignmentOutcome.Declined);
        var reassigned = Attempt(graph, 3, AssignmentOutcome.Reassigned);
        var chosen = Attempt(graph, 4, AssignmentOutcome.Rejected);
        chosen.ChosenByUserId = graph.User.Id;
        var rejected = Attempt(graph, 5, AssignmentOutcome.Rejected);
        await using (var context = database.NewContext())
        {
            context.AddRange(graph.User, graph.Group, graph.Agent, graph.Design, item, declined, reassigned, chosen, rejected);
            await context.SaveChangesAsync();
        }

        await using (var context = database.NewContext())
        {
            await MigrationSteps.MigrateToJustBeforeAsync(context, "FeedbackSteers");
            await context.GetService<IMigrator>().MigrateAsync();
        }

        await using var reader = database.NewContext();
        var steered = await reader.Assignments.Where(a => a.WorkItemId == item.Id).ToDictionaryAsync(a => a.Id, a => a.SteeredAway);
        Assert.True(steered[declined.Id]);
        Assert.True(steered[reassigned.Id]);
        Assert.False(steered[chosen.Id]);
        Assert.False(steered[rejected.Id]);
        Assert.False(steered[graph.Assignment.Id]);
    }

    private static Assignment Attempt(SampleGraph graph, int number, AssignmentOutcome outcome) => new()
    {
        Id = Guid.CreateVersion7(), WorkItemId = graph.Build.Id, GroupId = graph.Group.Id, MemberKind = MemberKind.Agent, AgentId = graph.Agent.Id,
        Attempt = number, Role = AssignmentRole.Work, Reason = "test", OfferedAt = SampleGraph.Now, EndedAt = SampleGraph.Now, Outcome = outcome,
    };
}
