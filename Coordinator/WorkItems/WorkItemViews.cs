using System.Text.Json;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.WorkItems;

/// <summary>Loads work items with what their views need and maps them.</summary>
public static class WorkItemViews
{
    /// <summary>
    /// The item with its dependencies, attempts and artifacts, tracked for changes; null when unknown. Two queries, on
    /// every agent call about its work: the item joined with its dependencies and attempts (a few small rows each), then its
    /// artifacts apart, because joined to the attempts each artifact's content would come back once per attempt.
    /// Both are compiled once (an agent's accept, progress and result each make them): EF otherwise builds, walks, hashes and
    /// looks up each query's expression tree on every execution (docs/PERFORMANCE.md, "Where an agent call's time goes").
    /// </summary>
    public static async Task<WorkItem?> LoadWorkItemAsync(this ClawDbContext context, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return await context.WithArtifactsAsync(await ItemById.For(context)(context, id, cancellationToken), cancellationToken);
    }

    private static readonly ModelCompiledQuery<Func<ClawDbContext, Guid, CancellationToken, Task<WorkItem?>>> ItemById = new(() => EF.CompileAsyncQuery(
        (ClawDbContext context, Guid id, CancellationToken _) => context.WorkItems
            .Include(w => w.DependsOn)
            .Include(w => w.Assignments)
            .AsSingleQuery()
            .FirstOrDefault(w => w.Id == id)));

    private static readonly ModelCompiledQuery<Func<ClawDbContext, Guid, IAsyncEnumerable<Artifact>>> ArtifactsOf = new(() => EF.CompileAsyncQuery(
        (ClawDbContext context, Guid id) => context.Artifacts.Where(a => a.WorkItemId == id)));

    /// <summary>
    /// The agent's offer, loaded with what its view shows as <see cref="LoadWorkItemAsync(ClawDbContext, Guid, CancellationToken)"/>
    /// loads an item, but untracked, to be shown and not changed: the most urgent, then longest-assigned, item offered to it and
    /// not paused; null when none. Found and loaded in the same query, compiled once: a pull makes it on every call and every
    /// wake-up of its wait, and tracking it was ~0.6 % of the swarm server's CPU samples in a profile, for nothing
    /// (docs/PERFORMANCE.md).
    /// </summary>
    public static async Task<WorkItem?> LoadOfferToShowAsync(this ClawDbContext context, Guid agentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var offer = await OfferTo.For(context)(context, agentId, cancellationToken);
        if (offer is not null)
        {
            await foreach (var artifact in UntrackedArtifactsOf.For(context)(context, offer.Id).WithCancellation(cancellationToken))
            {
                offer.Artifacts.Add(artifact);
            }
        }

        return offer;
    }

    private static readonly ModelCompiledQuery<Func<ClawDbContext, Guid, IAsyncEnumerable<Artifact>>> UntrackedArtifactsOf = new(() => EF.CompileAsyncQuery(
        (ClawDbContext context, Guid id) => context.Artifacts.AsNoTracking().Where(a => a.WorkItemId == id)));

    private static readonly ModelCompiledQuery<Func<ClawDbContext, Guid, CancellationToken, Task<WorkItem?>>> OfferTo = new(() => EF.CompileAsyncQuery(
        (ClawDbContext context, Guid agentId, CancellationToken _) => context.WorkItems
            .AsNoTracking()
            .Include(w => w.DependsOn)
            .Include(w => w.Assignments)
            .AsSingleQuery()
            .Where(w => w.AssigneeAgentId == agentId && w.State == WorkItemState.Assigned && w.PausedAt == null)
            .OrderByDescending(w => w.Priority).ThenBy(w => w.StateChangedAt)
            .FirstOrDefault()));

    /// <summary>Attaches the found item's artifacts (tracked, so EF fills its Artifacts as a navigation load would).</summary>
    private static async Task<WorkItem?> WithArtifactsAsync(this ClawDbContext context, WorkItem? item, CancellationToken cancellationToken)
    {
        if (item is not null)
        {
            await foreach (var _ in ArtifactsOf.For(context)(context, item.Id).WithCancellation(cancellationToken))
            {
            }
        }

        return item;
    }

    /// <summary>
    /// Makes tracked items ready for <see cref="ToView(WorkItem, IReadOnlyDictionary{Guid, string})"/> in a fixed
    /// number of queries, however many there are: their dependencies and artifacts (attached to the tracked items)
    /// and the names of every member their attempts name.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, string>> LoadForViewsAsync(
        this ClawDbContext context, IReadOnlyCollection<WorkItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(items);
        var ids = items.Select(w => w.Id).ToList();
        await context.WorkItemDependencies.Where(d => ids.Contains(d.WorkItemId)).LoadAsync(cancellationToken);
        await context.Artifacts.Where(a => ids.Contains(a.WorkItemId)).LoadAsync(cancellationToken);
        return await context.MemberNamesAsync(
            items.SelectMany(w => w.Assignments.Select(a => a.AgentId).Append(w.AssigneeAgentId)),
            items.SelectMany(w => w.Assignments.Select(a => a.UserId).Append(w.AssigneeUserId)), cancellationToken);
    }

    public static Task<WorkItemView> ToViewAsync(this ClawDbContext context, WorkItem item, CancellationToken cancellationToken)
        => context.ToViewAsync(item, caller: null, cancellationToken);

    /// <summary>
    /// The item's view for <paramref name="caller"/>'s answer. An agent's own name came with its key, read on this request, so
    /// an item that names no other member costs no query for names: the common case of an agent's calls about its work.
    /// </summary>
    public static async Task<WorkItemView> ToViewAsync(this ClawDbContext context, WorkItem item, Caller? caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(item);
        var names = await context.MemberNamesAsync(
            item.Assignments.Select(a => a.AgentId).Append(item.AssigneeAgentId),
            item.Assignments.Select(a => a.UserId).Append(item.AssigneeUserId),
            cancellationToken,
            knownAgent: caller is { IsAgent: true } agent ? (agent.Id, agent.Name) : null);
        return item.ToView(names);
    }

    public static WorkItemView ToView(this WorkItem item, IReadOnlyDictionary<Guid, string> memberNames)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(memberNames);
        var assigneeId = item.AssigneeAgentId ?? item.AssigneeUserId;
        var assignee = item.AssigneeKind is { } kind && assigneeId is { } id
            ? new MemberRef(KindName(kind), id, memberNames.GetValueOrDefault(id, ""))
            : null;
        var result = item.ResultSummary is null && item.Artifacts.Count == 0
            ? null
            : new ResultView(item.ResultSummary, item.Artifacts.OrderBy(a => a.CreatedAt).Select(ToView).ToList());
        return new WorkItemView(
            item.Id, item.GroupId, item.ParentId, item.Title, item.Description, item.RequiredSkills, item.Priority,
            WorkItemStates.ApiName(item.State), assignee, item.Attempts,
            new ProgressView(item.ProgressFraction, item.ProgressMessage, item.ProgressAt), result,
            item.DependsOn.Select(d => d.DependsOnId).ToList(), item.PausedAt is not null, item.ExpectedDurationSeconds,
            ToView(item.Usage), item.CreatedAt, item.UpdatedAt, item.StateChangedAt,
            item.Assignments.OrderBy(a => a.OfferedAt).Select(a => a.ToView(memberNames)).ToList(),
            item.RoutingHeldAt is null ? null : new RoutingView(true, item.RoutingConfidence ?? 0, RoutingHold.Candidates(item)),
            item.QuestionAskedAt is { } asked ? new QuestionView(item.Question ?? "", asked) : null,
            item.PausedAt is null ? null : item.PausedReason,
            item.AskedAssigneeKind is { } askedKind ? KindName(askedKind) : null,
            WorkItemKinds.ApiName(item.Kind), item.DroppedAt is not null, item.PendingPlanJson is not null);
    }

    public static AssignmentView ToView(this Assignment assignment, IReadOnlyDictionary<Guid, string> memberNames)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var memberId = assignment.AgentId ?? assignment.UserId;
        return new AssignmentView(
            assignment.Id, memberId, KindName(assignment.MemberKind), memberId is { } id ? memberNames.GetValueOrDefault(id) : null,
            JsonNamingPolicy.CamelCase.ConvertName(assignment.Role.ToString()), assignment.Attempt, assignment.Score, assignment.Reason,
            assignment.OfferedAt, assignment.AcceptedAt, assignment.EndedAt,
            JsonNamingPolicy.CamelCase.ConvertName(assignment.Outcome.ToString()),
            assignment.StallReason is { } reason ? JsonNamingPolicy.CamelCase.ConvertName(reason.ToString()) : null,
            assignment.Feedback, assignment.LateResultJson is not null, ToView(assignment.Usage), CandidatesJson.Read(assignment.CandidatesJson));
    }

    public static string KindName(MemberKind kind) => MemberKinds.ApiName(kind);

    /// <summary>Display names of agents and humans by id, in two indexed reads.</summary>
    public static async Task<IReadOnlyDictionary<Guid, string>> MemberNamesAsync(
        this ClawDbContext context, IEnumerable<Guid?> agentIds, IEnumerable<Guid?> userIds, CancellationToken cancellationToken,
        (Guid Id, string Name)? knownAgent = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var names = new Dictionary<Guid, string>();
        if (knownAgent is { } known)
        {
            names[known.Id] = known.Name;
        }

        var agents = agentIds.OfType<Guid>().Distinct().Where(id => !names.ContainsKey(id)).ToList();
        var users = userIds.OfType<Guid>().Distinct().ToList();
        if (agents.Count > 0)
        {
            foreach (var agent in await context.Agents.Where(a => agents.Contains(a.Id)).Select(a => new { a.Id, a.Name }).ToListAsync(cancellationToken))
            {
                names[agent.Id] = agent.Name;
            }
        }

        if (users.Count > 0)
        {
            foreach (var user in await context.Users.Where(u => users.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName }).ToListAsync(cancellationToken))
            {
                names[user.Id] = user.DisplayName;
            }
        }

        return names;
    }

    private static ArtifactView ToView(Artifact artifact)
        => new(artifact.Id, artifact.Name, artifact.MediaType, artifact.Content, artifact.SizeBytes, artifact.CreatedAt, artifact.AssignmentId);

    private static UsageView ToView(Usage usage) => new(usage.InputTokens, usage.OutputTokens, usage.CostUsd);
}
