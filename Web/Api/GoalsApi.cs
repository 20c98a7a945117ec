using System.Security.Claims;
using ClawGroups.Coordinator.Goals;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Web.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClawGroups.Web.Api;

/// <summary>A goal's plan (the planner's answer, a person's approval or sending it back), its shape, and decisions about its failed sub-items.</summary>
internal static class GoalsApi
{
    public static RouteGroupBuilder MapGoalsApi(this RouteGroupBuilder api)
    {
        var items = api.MapGroup("/work-items/{id:guid}").WithTags("Goals");
        items.MapGet("/plan", GetAsync)
            .WithSummary("A goal's shape: the plan awaiting approval, every sub-item with its dependencies, done of total, the sub-items waiting for a decision, the consolidation.");
        items.MapPost("/plan", (Guid id, HttpRequest request, ClaimsPrincipal user, GoalPlanService goals, CancellationToken ct)
            => WithBody<PlanRequest, PlanOutcomeView>(request, false, body => goals.ProposeAsync(user.ToCaller(), id, body, ct))).Accepts<PlanRequest>("application/json")
            .WithSummary("The member holding a goal answers it with a plan: sub-items under keys, dependsOn naming keys. Approved at once, or awaiting a person's approval.");
        items.MapPost("/plan/approve", (Guid id, HttpRequest request, ClaimsPrincipal user, GoalPlanService goals, CancellationToken ct)
            => WithBody<PlanRequest, PlanOutcomeView>(request, true, body => goals.ApproveAsync(user.ToCaller(), id, body, ct))).Accepts<PlanRequest>("application/json")
            .WithSummary("A person approves the plan awaiting approval, or (with items) the plan as they edited it: its sub-items are created.");
        items.MapPost("/plan/reject", (Guid id, HttpRequest request, ClaimsPrincipal user, GoalPlanService goals, CancellationToken ct)
            => WithBody<RejectPlanRequest, PlanOutcomeView>(request, true, body => goals.RejectAsync(user.ToCaller(), id, body, ct))).Accepts<RejectPlanRequest>("application/json")
            .WithSummary("A person sends the plan back with feedback: nothing is created and the goal is planned again.");
        items.MapPost("/decision", (Guid id, HttpRequest request, ClaimsPrincipal user, GoalDecisionService decisions, CancellationToken ct)
            => WithBody<SubItemDecisionRequest, WorkItemView>(request, false, body => decisions.DecideAsync(user.ToCaller(), id, body, ct))).Accepts<SubItemDecisionRequest>("application/json")
            .WithSummary("The goal's people decide about a failed or cancelled sub-item: retry it, drop it, or re-plan the goal.");
        return api;
    }

    private static async Task<Results<Ok<GoalView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, GoalPlanService goals, CancellationToken cancellationToken)
        => ApiResults.Ok(await goals.GetAsync(user.ToCaller(), id, cancellationToken));

    private static async Task<Results<Ok<TResult>, ProblemHttpResult>> WithBody<TBody, TResult>(
        HttpRequest request, bool allowEmpty, Func<TBody, Task<Coordinator.Calls.Outcome<TResult>>> operation)
    {
        var (body, problem) = await JsonBody.ReadAsync<TBody>(request, allowEmpty);
        return problem is not null ? problem : ApiResults.Ok(await operation(body!));
    }
}
