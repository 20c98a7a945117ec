using System.Text.Json;
using ClawGroups.Coordinator.Access;
using ClawGroups.Coordinator.Budgets;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Groups;

/// <summary>Groups, their members, and the join tokens that let agents in.</summary>
public sealed class GroupService(
    ClawDbContext context, TimeProvider time, IOptionsMonitor<CoordinatorOptions> options, BudgetGate? budgetGate = null)
{
    public const int MaxJoinTokenMinutes = JoinTokenIssuer.MaxMinutes;
    public const int MaxJoinTokenUses = JoinTokenIssuer.MaxUses;

    public async Task<Outcome<GroupView>> CreateAsync(Caller caller, CreateGroupRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (GroupAccess.RequireHuman(caller) is { } notHuman)
        {
            return notHuman;
        }

        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > GroupLimits.MaxNameLength)
        {
            return Failure.Invalid("name", $"name is required and at most {GroupLimits.MaxNameLength} characters long.");
        }

        if (request.Description is { Length: > GroupLimits.MaxDescriptionLength })
        {
            return Failure.Invalid("description", $"description is at most {GroupLimits.MaxDescriptionLength} characters long.");
        }

        var now = time.GetUtcNow();
        var group = new Group
        {
            Id = Guid.CreateVersion7(now),
            Name = name,
            Description = request.Description?.Trim() ?? "",
            RequireReview = request.RequireReview ?? true,
            CreatedByUserId = caller.Id,
            CreatedAt = now,
        };
        group.Members.Add(new GroupMember { UserId = caller.Id, Role = GroupRole.Owner, JoinedAt = now });
        context.Groups.Add(group);
        context.AddTrailEvent(group.Id, caller, TrailEventTypes.GroupCreated, now, new { group.Name, group.RequireReview });
        await context.SaveChangesAsync(cancellationToken);
        return await ViewAsync(group.Id, cancellationToken);
    }

    public async Task<Outcome<GroupView>> GetAsync(Caller caller, Guid groupId, CancellationToken cancellationToken)
    {
        if (await context.CheckGroupAccessAsync(caller, groupId, cancellationToken) is { } denied)
        {
            return denied;
        }

        return await ViewAsync(groupId, cancellationToken);
    }

    /// <summary>The groups the human belongs to (every group for the instance owner), with counts for the overview.</summary>
    public async Task<Outcome<IReadOnlyList<GroupSummaryView>>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (GroupAccess.RequireHuman(caller) is { } notHuman)
        {
            return notHuman;
        }

        var groups = context.Groups.AsNoTracking().Where(g => g.ArchivedAt == null);
        if (!caller.IsInstanceOwner)
        {
            groups = groups.Where(g => g.Members.Any(m => m.UserId == caller.Id));
        }

        return await groups
            .OrderBy(g => g.Name)
            .Select(g => new GroupSummaryView(
                g.Id,
                g.Name,
                g.Description,
                g.Members.Count,
                g.Agents.Count(a => a.Status != AgentStatus.Revoked),
                g.WorkItems.Count(w => w.State == WorkItemState.Ready || w.State == WorkItemState.Backlog || w.State == WorkItemState.Assigned),
                g.WorkItems.Count(w => w.State == WorkItemState.InProgress || w.State == WorkItemState.InReview),
                g.WorkItems.Count(w => w.State == WorkItemState.Stalled || w.State == WorkItemState.Failed),
                g.WorkItems.Count(w => w.State == WorkItemState.Done)))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Changes a group's name, description, review rule and overrides. Only the group's owners (or the instance owner)
    /// may; every problem is reported against its field, and nothing changes unless all fields are valid.
    /// </summary>
    public async Task<Outcome<GroupView>> UpdateSettingsAsync(
        Caller caller, Guid groupId, UpdateGroupSettingsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if ((GroupAccess.RequireHuman(caller) ?? await context.CheckGroupAccessAsync(caller, groupId, cancellationToken)) is { } denied)
        {
            return denied;
        }

        if (!caller.IsInstanceOwner
            && !await context.GroupMembers.AnyAsync(m => m.GroupId == groupId && m.UserId == caller.Id && m.Role == GroupRole.Owner, cancellationToken))
        {
            return Failure.Forbidden("Only the group's owners may change its settings.");
        }

        if (GroupSettingsRules.Validate(request) is { Count: > 0 } errors)
        {
            return Failure.Invalid(errors);
        }

        var group = await context.Groups.SingleAsync(g => g.Id == groupId, cancellationToken);
        var changed = GroupSettingsRules.Apply(group, request);
        if (changed.Count > 0)
        {
            var now = time.GetUtcNow();
            context.AddTrailEvent(groupId, caller, TrailEventTypes.GroupUpdated, now, new { changed });
            if (budgetGate is not null && changed.Any(c => c.StartsWith("budgets.", StringComparison.Ordinal)))
            {
                // A raised budget lifts the stop it caused: what it paused resumes and offers start again, in this save.
                await budgetGate.ResumeWithinBudgetsAsync(groupId, group.Budgets, caller, cancellationToken);
                await budgetGate.SaveAsync(cancellationToken);
            }
            else
            {
                await context.SaveChangesAsync(cancellationToken);
            }
        }

        return await ViewAsync(groupId, cancellationToken);
    }

    public async Task<Outcome<JoinTokenView>> CreateJoinTokenAsync(
        Caller caller, Guid groupId, CreateJoinTokenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if ((GroupAccess.RequireHuman(caller) ?? await context.CheckGroupAccessAsync(caller, groupId, cancellationToken)) is { } denied)
        {
            return denied;
        }

        var issued = JoinTokenIssuer.Issue(
            context, caller, groupId, JoinTokenAudience.Agent, request.ExpiresInMinutes ?? 60, request.MaxUses ?? 10, time.GetUtcNow());
        if (!issued.Succeeded)
        {
            return issued.Failure!;
        }

        await context.SaveChangesAsync(cancellationToken);
        var (secret, token) = issued.Value;
        return new JoinTokenView(secret, token.ExpiresAt, token.MaxUses);
    }

    private async Task<GroupView> ViewAsync(Guid groupId, CancellationToken cancellationToken)
    {
        var group = await context.Groups.AsNoTracking().SingleAsync(g => g.Id == groupId, cancellationToken);
        var members = (await context.HumansAsync(groupId, null, time.GetUtcNow(), cancellationToken))
            .Concat(await context.AgentsAsync(groupId, null, cancellationToken, options.CurrentValue.Breakers, time.GetUtcNow()))
            .ToList();
        var defaults = options.CurrentValue;
        var settings = new GroupSettingsView(
            group.MaxAttempts, group.Thresholds.HeartbeatTimeoutSeconds, group.Thresholds.ProgressTimeoutSeconds,
            group.Thresholds.StartGraceSeconds, group.Thresholds.OverrunFactor,
            new GroupSettingDefaults(defaults.MaxAttempts, defaults.HeartbeatTimeoutSeconds, defaults.ProgressTimeoutSeconds,
                defaults.StartGraceSeconds, defaults.OverrunFactor),
            new BudgetsView(group.Budgets.MonthlyUsd, group.Budgets.MonthlyTokens, group.Budgets.PerItemUsd, group.Budgets.PerItemTokens,
                group.Budgets.PerAgentDailyUsd, group.Budgets.PerAgentDailyTokens),
            group.RequirePlanApproval, group.MaxPlanItems, group.PreferPeopleFor, group.PreferAgentsFor);
        return new GroupView(group.Id, group.Name, group.Description, group.RequireReview, group.CreatedAt, members, settings, group.A2aEnabled);
    }
}
