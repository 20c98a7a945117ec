using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.Tests.Assignments;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;

namespace ClawGroups.Coordinator.Tests.Groups;

/// <summary>The one definition of load: what the roster (and the reassign dialog, which shows the same view) and the pass read.</summary>
public sealed class MemberLoadTests
{
    [Fact]
    public async Task The_roster_and_the_pass_count_held_items_and_open_reviews_but_not_results_waiting_in_review()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var group = await PassGroup.CreateAsync(database);
        var forge = await group.AddAgentAsync("forge", capacity: 3);
        var pixel = await group.AddAgentAsync("pixel", capacity: 3);
        await HoldAsync(group, database, "offered", WorkItemState.Assigned, forge);
        await HoldAsync(group, database, "running", WorkItemState.InProgress, forge);
        await HoldAsync(group, database, "forge's result in review", WorkItemState.InReview, forge);
        var reviewed = await HoldAsync(group, database, "pixel's result in review", WorkItemState.InReview, pixel);
        await AddAssignmentAsync(database, reviewed, forge, AssignmentRole.Review);

        await using var context = database.NewContext();
        var roster = (await context.AgentsAsync(group.GroupId, null, CancellationToken.None)).Single(m => m.Id == forge.Id);
        var pass = await MemberLoad.OfAgentsAsync(context, group.GroupId, agentIds: null, CancellationToken.None);

        Assert.Equal(3, roster.Load);
        Assert.Equal(3, pass[forge.Id]);
        Assert.Equal(0, pass.GetValueOrDefault(pixel.Id));
    }

    /// <summary>An item in <paramref name="state"/> whose open work attempt is <paramref name="agent"/>'s.</summary>
    private static async Task<WorkItem> HoldAsync(PassGroup group, TestDatabase database, string title, WorkItemState state, Agent agent)
    {
        var item = await group.AddItemAsync(title, w => (w.State, w.Attempts, w.AssigneeKind, w.AssigneeAgentId) = (state, 1, MemberKind.Agent, agent.Id));
        var attempt = await AddAssignmentAsync(database, item, agent, AssignmentRole.Work);
        await using var context = database.NewContext();
        context.WorkItems.Attach(item).Property(w => w.CurrentAssignmentId).CurrentValue = attempt.Id;
        await context.SaveChangesAsync();
        return item;
    }

    private static async Task<Assignment> AddAssignmentAsync(TestDatabase database, WorkItem item, Agent agent, AssignmentRole role)
    {
        var now = DateTimeOffset.UtcNow;
        var assignment = new Assignment
        {
            Id = Guid.CreateVersion7(), WorkItemId = item.Id, GroupId = item.GroupId, MemberKind = MemberKind.Agent, AgentId = agent.Id, Attempt = 1,
            Role = role, Score = 1, Reason = "test", OfferedAt = now, Outcome = AssignmentOutcome.Active,
        };
        await using var context = database.NewContext();
        context.Assignments.Add(assignment);
        await context.SaveChangesAsync();
        return assignment;
    }
}
