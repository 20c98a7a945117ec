using System.Net.Http.Json;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Data.Database;
using ClawGroups.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Web.Tests.Budgets;

/// <summary>
/// An agent the test drives call by call over real HTTP (register, heartbeat, pull, accept, report), so that every usage report
/// and every ending is the test's own; and the few reads of the group's trail and outbox that no endpoint serves.
/// </summary>
internal sealed class BudgetAgent
{
    private BudgetAgent(ApiScenario scenario, AgentRegistration registration)
    {
        Scenario = scenario;
        Registration = registration;
        Api = scenario.AgentClient(registration.ApiKey);
    }

    public ApiScenario Scenario { get; }

    public AgentRegistration Registration { get; }

    public string Id => Registration.AgentId;

    public ClawApiClient Api { get; }

    public static async Task<BudgetAgent> RegisterAsync(ApiScenario scenario, string name, int capacity = 1)
    {
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registration = await scenario.Human.RegisterAgentAsync(joinToken.Token,
            SkillProfiles.Backend with { Name = name, Delivery = AgentDelivery.Pull, Capacity = capacity });
        var agent = new BudgetAgent(scenario, registration);
        await agent.Api.HeartbeatAsync(registration.AgentId, new Heartbeat(HeartbeatStatus.Idle));
        return agent;
    }

    /// <summary>Waits (long poll) for the next offer and accepts it.</summary>
    public async Task<WorkItem> TakeNextAsync()
    {
        var offered = await Api.PullWorkAsync(Id, waitSeconds: 25) ?? throw new InvalidOperationException($"{Registration.AgentId} was offered nothing.");
        await Api.AcceptAsync(offered.Id);
        return offered;
    }

    public Task<ClawApiResponse> ReportAsync(string workItemId, decimal costUsd, double fraction = 0.5, string? message = "working")
        => Api.ReportProgressAsync(workItemId, new ProgressReport(fraction, message, new Usage(1000, 500, costUsd)));

    public Task<ClawApiResponse> FinishAsync(string workItemId, decimal costUsd)
        => Api.SubmitResultAsync(workItemId, new WorkResult("done", [], new Usage(1000, 500, costUsd)));

    /// <summary>Sets the group's budgets with the contract's PATCH.</summary>
    public static async Task PatchBudgetsAsync(ApiScenario scenario, object budgets)
    {
        using var owner = scenario.App.OwnerHttpClient();
        using var patched = await owner.PatchAsJsonAsync($"/api/v1/groups/{scenario.Group.Id}", new { budgets });
        patched.EnsureSuccessStatusCode();
    }

    /// <summary>The group's trail events of one type, as stored (group-level events have no item to list them under).</summary>
    public static async Task<List<string>> EventDataAsync(ClawAppFactory app, string groupId, string type)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ClawDbContext>();
        return await context.TrailEvents.Where(e => e.GroupId == Guid.Parse(groupId) && e.Type == type).OrderBy(e => e.Id).Select(e => e.DataJson).ToListAsync();
    }

    /// <summary>The bodies of the messages queued for an agent of one type.</summary>
    public static async Task<List<string>> MessagesAsync(ClawAppFactory app, string agentId, string type)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ClawDbContext>();
        return await context.OutboxMessages.Where(m => m.AgentId == Guid.Parse(agentId) && m.Type == type).Select(m => m.BodyJson).ToListAsync();
    }
}
