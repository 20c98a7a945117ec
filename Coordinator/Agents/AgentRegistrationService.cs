using System.Text.Json;
using ClawGroups.Coordinator.A2a;
using ClawGroups.Coordinator.Access;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Cluster;
using ClawGroups.Coordinator.Credentials;
using ClawGroups.Coordinator.Learning;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Agents;

/// <summary>Agents joining a group with a join token, and their credentials over their lifetime.</summary>
public sealed class AgentRegistrationService(
    ClawDbContext context, TimeProvider time, WebhookUrlPolicy urlPolicy, WebhookSecrets secrets, IWorkSignals signals, WorkItemLifecycle lifecycle,
    A2aCardSource a2aCards, GroupSkillModels skillModels, AgentKeyCache agentKeys, IClusterBus cluster)
{
    /// <summary>
    /// Registers the agent the card describes. An A2A agent's card may be named by <c>cardUrl</c> (fetched only once the
    /// join token is accepted); <paramref name="callbackBaseUrl"/> is the address the registration came through, where an
    /// A2A agent that pushes its task updates is told to push them unless the configuration names another.
    /// </summary>
    public async Task<Outcome<AgentRegistered>> RegisterAsync(
        string? joinToken, JsonElement cardJson, CancellationToken cancellationToken, string? callbackBaseUrl = null)
    {
        var now = time.GetUtcNow();
        if (string.IsNullOrEmpty(joinToken) || !joinToken.StartsWith(SecretToken.JoinTokenPrefix, StringComparison.Ordinal))
        {
            return new Failure(FailureKind.Unauthorized, "Join token required",
                "Register with Authorization: Bearer cg_join_… (a join token created by a human of the group).");
        }

        var hash = SecretToken.Hash(joinToken);
        // An invite link for humans shares the table; it never registers an agent, whatever its text looks like.
        var token = await context.JoinTokens.AsNoTracking()
            .SingleOrDefaultAsync(t => t.TokenHash == hash && t.Audience == JoinTokenAudience.Agent, cancellationToken);
        var tokenProblem = token switch
        {
            null => "The join token is not known.",
            { RevokedAt: not null } => "The join token was revoked.",
            _ when token.ExpiresAt <= now => "The join token has expired.",
            _ when token.Uses >= token.MaxUses => "The join token has been used as often as it allows.",
            _ => null,
        };
        if (tokenProblem is not null)
        {
            return new Failure(FailureKind.Unauthorized, "Join token not accepted", tokenProblem);
        }

        var a2a = await A2aRegistration.ReadAsync(cardJson, a2aCards, urlPolicy, cancellationToken);
        if (!a2a.Succeeded)
        {
            return a2a.Failure!;
        }

        var (card, errors) = AgentCard.Parse(a2a.Value!.Card);
        if (card is null)
        {
            return Failure.Invalid(errors);
        }

        if (card.Delivery == DeliveryMode.Webhook && await urlPolicy.CheckAsync("url", card.Url, cancellationToken) is { } badUrl)
        {
            return badUrl;
        }

        if (card.Delivery == DeliveryMode.A2a && a2a.Value.Facts is null)
        {
            return Failure.Invalid("delivery", "delivery a2a needs an A2A card: inline, or named by cardUrl.");
        }

        var apiKey = SecretToken.Create(SecretToken.AgentKeyPrefix);
        var webhookSecret = SecretToken.Create(SecretToken.WebhookSecretPrefix);
        var agent = new Agent
        {
            Id = Guid.CreateVersion7(now),
            GroupId = token!.GroupId,
            Name = card.Name,
            Description = card.Description,
            CardVersion = card.Version,
            Model = card.Model,
            Device = card.Device,
            CardJson = card.Json,
            Capacity = card.Capacity,
            Delivery = card.Delivery,
            WebhookUrl = card.Delivery == DeliveryMode.Webhook ? card.Url : null,
            A2aCardUrl = a2a.Value.CardUrl,
            A2aEndpointUrl = a2a.Value.Facts?.EndpointUrl,
            A2aPushNotifications = a2a.Value.Facts?.PushNotifications ?? false,
            A2aCallbackBaseUrl = card.Delivery == DeliveryMode.A2a ? callbackBaseUrl : null,
            ApiKeyPrefix = SecretToken.DisplayPrefix(apiKey),
            ApiKeyHash = SecretToken.Hash(apiKey),
            WebhookSecretProtected = secrets.Protect(webhookSecret),
            Status = AgentStatus.Online,
            RegisteredAt = now,
            LastHeartbeatAt = now,
            JoinTokenId = token.Id,
        };
        agent.Skills.AddRange(card.Skills);
        AssignmentCandidates.PutSkillsInOrder(agent);
        // The card is read by the group's model now, as an item is when it is created, so that the passes this agent joins find
        // it read: at a swarm's start the first pass read 300 cards (2 s of both cores) while every call waited. Before the
        // transaction, so that the database's one writer is not held meanwhile.
        // The readings are kept with the card (SkillReadings), so that another node, or this one after a restart, need not read it.
        var readings = SkillReadings.ReadCards(await skillModels.ForGroupAsync(context, agent.GroupId, cancellationToken), [agent], cancellationToken);

        // Count the use atomically: two agents racing for the last use cannot both get it. In one transaction with the
        // registration, so that a registration the database refuses gives the use back.
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var counted = await context.JoinTokens
            .Where(t => t.Id == token!.Id && t.Uses < t.MaxUses && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.Uses, t => t.Uses + 1).SetProperty(t => t.Version, t => t.Version + 1), cancellationToken);
        if (counted == 0)
        {
            return new Failure(FailureKind.Unauthorized, "Join token not accepted", "The join token has been used as often as it allows.");
        }

        context.Agents.Add(agent);
        context.AgentSkillReadings.AddRange(readings);
        var actor = new Caller(MemberKind.Agent, agent.Id, agent.Name, AgentGroupId: agent.GroupId);
        context.AddTrailEvent(agent.GroupId, actor, TrailEventTypes.AgentRegistered, now,
            new { agent.Name, delivery = card.Delivery, agent.Capacity, skills = card.Skills.Select(s => s.SkillId) }, agentId: agent.Id);
        await context.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signals.AssignmentNeeded(agent.GroupId);
        return new AgentRegistered(agent.Id, agent.GroupId, apiKey, webhookSecret);
    }

    /// <summary>
    /// Issues a new API key; the old one stops working at once, on every node: the other nodes hear of it in the same commit
    /// (decision 0040). The agent itself or a human of its group may.
    /// </summary>
    public async Task<Outcome<AgentKeyRotated>> RotateKeyAsync(Caller caller, Guid agentId, CancellationToken cancellationToken)
    {
        var agent = await context.Agents.SingleOrDefaultAsync(a => a.Id == agentId, cancellationToken);
        if (await CheckManageAsync(caller, agent, agentId, cancellationToken) is { } denied)
        {
            return denied;
        }

        var now = time.GetUtcNow();
        var apiKey = SecretToken.Create(SecretToken.AgentKeyPrefix);
        agent!.ApiKeyHash = SecretToken.Hash(apiKey);
        agent.ApiKeyPrefix = SecretToken.DisplayPrefix(apiKey);
        agent.KeyRotatedAt = now;
        context.AddTrailEvent(agent.GroupId, caller, TrailEventTypes.AgentKeyRotated, now, new { agent.ApiKeyPrefix }, agentId: agent.Id);
        try
        {
            await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
            await context.SaveChangesAsync(cancellationToken);
            await cluster.AgentKeyChangedAsync(context, agent.Id, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            // Even when the commit's answer was lost, it may have committed: forgetting a good key costs one read.
            agentKeys.Forget(agent.Id);
        }

        return new AgentKeyRotated(agent.Id, apiKey);
    }

    /// <summary>Revokes an agent for good: its key stops working and its open work goes back to the coordinator.</summary>
    public async Task<Outcome<bool>> RevokeAsync(Caller caller, Guid agentId, CancellationToken cancellationToken)
    {
        if (GroupAccess.RequireHuman(caller) is { } notHuman)
        {
            return notHuman;
        }

        var agent = await context.Agents.SingleOrDefaultAsync(a => a.Id == agentId, cancellationToken);
        if (await CheckManageAsync(caller, agent, agentId, cancellationToken) is { } denied)
        {
            return denied;
        }

        var now = lifecycle.Now;
        agent!.Status = AgentStatus.Revoked;
        agent.RevokedAt = now;
        context.AddTrailEvent(agent.GroupId, caller, TrailEventTypes.AgentRevoked, now, new { agent.Name }, agentId: agent.Id);
        // Its work goes back to the coordinator now, not when a timeout notices: offers and runs alike.
        var held = await context.WorkItems.Include(w => w.Assignments)
            .Where(w => w.AssigneeAgentId == agent.Id && (w.State == WorkItemState.Assigned || w.State == WorkItemState.InProgress))
            .ToListAsync(cancellationToken);
        foreach (var item in held)
        {
            await lifecycle.EndAttemptAsync(item, AssignmentOutcome.Revoked, cancellationToken);
            WorkItemStateMachine.Apply(item, WorkItemMove.Decline, now);
            context.AddTrailEvent(item.GroupId, caller, TrailEventTypes.Released, now, new { reason = "agentRevoked", agentId = agent.Id }, item.Id, agent.Id);
        }

        // Tracked, so the reviews close in the same commit and the boards showing them hear of it.
        foreach (var review in await context.Assignments
                     .Where(a => a.AgentId == agent.Id && a.Role == AssignmentRole.Review && a.EndedAt == null).ToListAsync(cancellationToken))
        {
            (review.EndedAt, review.Outcome) = (now, AssignmentOutcome.Revoked);
        }

        lifecycle.AssignmentNeeded(agent.GroupId);
        try
        {
            await lifecycle.SaveWithAsync(async cancel =>
            {
                await cluster.AgentKeyChangedAsync(context, agent.Id, cancel);
                return true;
            }, cancellationToken);
        }
        finally
        {
            // As for a rotation: the commit may have gone through though its answer was lost.
            agentKeys.Forget(agent.Id);
        }

        return true;
    }

    private async Task<Failure?> CheckManageAsync(Caller caller, Agent? agent, Guid agentId, CancellationToken cancellationToken)
    {
        if (agent is null || agent.Status == AgentStatus.Revoked)
        {
            return Failure.NotFound("agent", agentId);
        }

        if (caller.IsAgent)
        {
            return caller.Id == agentId ? null : Failure.Forbidden("An agent may manage only its own registration.");
        }

        return await context.CheckGroupAccessAsync(caller, agent.GroupId, cancellationToken);
    }
}
