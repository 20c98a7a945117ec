using ClawGroups.Coordinator.Trail;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Groups;
using ClawGroups.Data.Trail;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Tests.Learning;

/// <summary>A back office group for the feedback tests: a bookkeeping agent and a front-end agent, and their finished work.</summary>
internal static class BackOffice
{
    public static readonly string[] LedgerWork =
    [
        "Reconcile the March bank statement", "Match vendor payments to invoices", "Close the books for the quarter",
        "Chase the overdue invoices from Acme", "Book the payroll journal entries", "Prepare the VAT return",
    ];

    public static readonly string[] PixelWork =
    [
        "The checkout button overlaps the footer on phones", "Make the sign-up form keyboard accessible",
        "Fix the dark mode colours of the sidebar", "The settings page flickers when it loads",
        "Align the pricing cards on tablets", "Add a loading spinner to the search box",
    ];

    /// <summary>A bookkeeping agent and a front-end agent, each with six accepted items; optionally a rejected one.</summary>
    public static async Task<(Guid GroupId, DateTimeOffset Newest)> SeedAsync(TestDatabase database, int rejected)
    {
        var start = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
        var group = new Group { Id = Guid.CreateVersion7(), Name = "back office", CreatedAt = start };
        await using (var context = database.NewContext())
        {
            context.Groups.Add(group);
            context.Agents.Add(NewAgent(group.Id, "ledger", "Keeps the company's books.",
                new AgentSkill { SkillId = "bookkeeping", Name = "Bookkeeping", Description = "Ledgers, reconciliations and invoices", Tags = ["accounting", "invoices"], Level = 0.9 }));
            context.Agents.Add(NewAgent(group.Id, "pixel", "Builds and fixes web interfaces.",
                new AgentSkill { SkillId = "frontend", Name = "Front-end", Description = "React components, CSS layout, accessibility", Tags = ["react", "css"], Level = 0.9 }));
            await context.SaveChangesAsync();
        }

        var at = start;
        foreach (var (title, agent) in LedgerWork.Select(t => (t, "ledger")).Concat(PixelWork.Select(t => (t, "pixel"))))
        {
            at = at.AddMinutes(1);
            await AddFinishedAsync(database, group.Id, agent, title, at, AssignmentOutcome.Completed);
        }

        for (var r = 0; r < rejected; r++)
        {
            at = at.AddMinutes(1);
            await AddFinishedAsync(database, group.Id, "pixel", "Reconcile the petty cash tin", at, AssignmentOutcome.Rejected);
        }

        return (group.Id, at);
    }

    public static async Task AddFinishedAsync(TestDatabase database, Guid groupId, string agentName, string title, DateTimeOffset endedAt, AssignmentOutcome outcome)
    {
        await using var context = database.NewContext();
        var agent = await context.Agents.SingleAsync(a => a.GroupId == groupId && a.Name == agentName);
        var item = new WorkItem
        {
            Id = Guid.CreateVersion7(), GroupId = groupId, Title = title, CreatedAt = endedAt.AddMinutes(-30), UpdatedAt = endedAt, StateChangedAt = endedAt,
            State = outcome == AssignmentOutcome.Completed ? WorkItemState.Done : WorkItemState.Ready, CreatedByKind = MemberKind.Human,
        };
        item.Assignments.Add(new Assignment
        {
            Id = Guid.CreateVersion7(), WorkItemId = item.Id, GroupId = groupId, MemberKind = MemberKind.Agent, AgentId = agent.Id, Attempt = 1,
            OfferedAt = endedAt.AddMinutes(-20), AcceptedAt = endedAt.AddMinutes(-19), EndedAt = endedAt, Outcome = outcome,
        });
        context.WorkItems.Add(item);
        if (outcome == AssignmentOutcome.Completed)
        {
            // The agent's result, as the API records it; without review the attempt ends with it.
            context.TrailEvents.Add(new TrailEvent
            {
                GroupId = groupId, WorkItemId = item.Id, AgentId = agent.Id, At = endedAt, ActorKind = MemberKind.Agent, ActorId = agent.Id,
                Type = TrailEventTypes.Result.Name, DataJson = "{}",
            });
        }

        await context.SaveChangesAsync();
    }

    private static Agent NewAgent(Guid groupId, string name, string description, AgentSkill skill)
    {
        var agent = new Agent
        {
            Id = Guid.CreateVersion7(), GroupId = groupId, Name = name, Description = description, Capacity = 2, Status = AgentStatus.Online,
            RegisteredAt = DateTimeOffset.UtcNow, ApiKeyHash = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + new string('0', 32), ApiKeyPrefix = "cg_agent_x",
        };
        agent.Skills.Add(skill);
        return agent;
    }
}
