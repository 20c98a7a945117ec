using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Goals;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Breakers;

/// <summary>
/// The creation breaker (decision 0028): an agent creates work only by planning a goal, so a plan is where a runaway
/// planner is stopped — before anything of it is created. Too many items in the last hour: 429 with the seconds until the
/// plan fits. A title that repeats an open item of the group, or another item of the same plan
/// (<see cref="TitleSimilarity"/>): 409 naming <c>items[i].title</c> and what it repeats. Either is flagged on the trail
/// (<c>breaker.tripped</c>, pushed live like every event). People plan as they like; only agents are held to this.
/// </summary>
public sealed class CreationBreaker(ClawDbContext context, IOptionsMonitor<CoordinatorOptions> options)
{
    /// <summary>The sliding window the creation rate counts in.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>
    /// An agent that keeps retrying a refused plan is flagged once per goal and reason in this long, so a loop cannot bury
    /// the trail under its own refusals.
    /// </summary>
    public static readonly TimeSpan FlagQuietPeriod = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether <paramref name="caller"/> may answer <paramref name="goal"/> with these items (as sent, so errors name
    /// <c>items[i]</c> as the caller numbered them). <paramref name="createsNow"/> is false when the plan awaits a person's
    /// approval: then nothing is created by the agent, and only duplicates are refused. On refusal the flag is added to the
    /// unit of work (not saved): the caller saves it alone.
    /// </summary>
    public async Task<Failure?> CheckPlanAsync(
        Caller caller, WorkItem goal, IReadOnlyList<PlanItemRequest> items, bool createsNow, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(items);
        if (!caller.IsAgent)
        {
            return null;
        }

        var (failure, flag) = createsNow ? await RateAsync(caller, goal, items.Count, now, cancellationToken) : (null, null);
        if (failure is null)
        {
            (failure, flag) = await DuplicatesAsync(goal, items, cancellationToken);
        }

        if (flag is not null)
        {
            await FlagAsync(caller, goal, flag, now, cancellationToken);
        }

        return failure;
    }

    private async Task<(Failure? Failure, Dictionary<string, object?>? Flag)> RateAsync(
        Caller caller, WorkItem goal, int planned, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var limit = options.CurrentValue.Breakers.MaxItemsCreatedPerHour;
        if (planned > limit)
        {
            // No wait would let it through: the plan itself is too large for this agent.
            return (Failure.Invalid("items", $"An agent creates at most {limit} work items an hour (MaxItemsCreatedPerHour); this plan has {planned}."), null);
        }

        var since = now - Window;
        var created = (await context.WorkItems.AsNoTracking()
                .Where(w => w.GroupId == goal.GroupId && w.CreatedByKind == MemberKind.Agent && w.CreatedById == caller.Id && w.CreatedAt > since)
                .Select(w => w.CreatedAt)
                .ToListAsync(cancellationToken))
            .Order()
            .ToList();
        var over = created.Count + planned - limit;
        if (over <= 0)
        {
            return (null, null);
        }

        // The plan fits once the oldest `over` items have left the window.
        var retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((created[over - 1] + Window - now).TotalSeconds)));
        var failure = Failure.TooManyRequests(
            $"This agent created {created.Count} work items in the last hour; {planned} more would pass the limit of {limit} an hour. "
            + $"Nothing was created; try again in {retryAfter.TotalSeconds:0} s.",
            retryAfter);
        return (failure, new Dictionary<string, object?>
        {
            ["reason"] = BreakerReasons.CreationRate, ["created"] = created.Count, ["planned"] = planned, ["limit"] = limit,
            ["retryAfter"] = failure.RetryAfterSeconds,
        });
    }

    private async Task<(Failure? Failure, Dictionary<string, object?>? Flag)> DuplicatesAsync(
        WorkItem goal, IReadOnlyList<PlanItemRequest> items, CancellationToken cancellationToken)
    {
        var open = await context.WorkItems.AsNoTracking()
            .Where(w => w.GroupId == goal.GroupId && w.Id != goal.Id && w.DroppedAt == null
                        && w.State != WorkItemState.Done && w.State != WorkItemState.Cancelled)
            .Select(w => new { w.Id, w.Title })
            .ToListAsync(cancellationToken);
        var openWords = open.Select(w => (w.Id, w.Title, Normalized: TitleSimilarity.Normalize(w.Title), Words: TitleSimilarity.Words(w.Title))).ToList();
        var planned = items.Select(i => (i.Title, Normalized: TitleSimilarity.Normalize(i.Title), Words: TitleSimilarity.Words(i.Title))).ToList();
        var errors = new Dictionary<string, string[]>();
        var duplicates = new List<Dictionary<string, object?>>();
        for (var i = 0; i < planned.Count; i++)
        {
            var item = planned[i];
            var field = $"items[{i}].title";
            var existing = openWords.FirstOrDefault(o => Same(item, o.Normalized, o.Words));
            if (existing.Title is not null)
            {
                errors[field] = [$"'{item.Title}' repeats the open work item {existing.Id} ('{existing.Title}')."];
                duplicates.Add(new() { ["field"] = field, ["workItemId"] = existing.Id, ["title"] = existing.Title });
                continue;
            }

            var earlier = planned.Take(i).Select((p, index) => (p, index)).FirstOrDefault(e => e.p.Title is not null && Same(item, e.p.Normalized, e.p.Words));
            if (earlier.p.Title is not null)
            {
                errors[field] = [$"'{item.Title}' repeats items[{earlier.index}] of the same plan ('{earlier.p.Title}')."];
                duplicates.Add(new() { ["field"] = field, ["planItem"] = $"items[{earlier.index}]", ["title"] = earlier.p.Title });
            }
        }

        if (errors.Count == 0)
        {
            return (null, null);
        }

        var failure = new Failure(
            FailureKind.Conflict, "Duplicate work",
            $"The plan repeats work: {string.Join(" ", errors.Select(e => $"{e.Key}: {e.Value[0]}"))} Nothing was created; leave those items out or say what is different.",
            errors,
            new Dictionary<string, object?> { ["duplicates"] = duplicates });
        return (failure, new Dictionary<string, object?> { ["reason"] = BreakerReasons.DuplicateWork, ["duplicates"] = duplicates });
    }

    private static bool Same((string? Title, string Normalized, HashSet<string> Words) item, string normalized, HashSet<string> words)
        => TitleSimilarity.NearlySame(item.Normalized, item.Words, normalized, words);

    /// <summary>Adds <c>breaker.tripped</c> for the agent and goal, unless the same refusal was flagged within <see cref="FlagQuietPeriod"/>.</summary>
    private async Task FlagAsync(Caller caller, WorkItem goal, Dictionary<string, object?> flag, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now - FlagQuietPeriod;
        var recent = await context.TrailEvents.AsNoTracking()
            .Where(e => e.GroupId == goal.GroupId && e.WorkItemId == goal.Id && e.AgentId == caller.Id
                        && e.Type == TrailEventTypes.BreakerTripped.Name && e.At > since)
            .Select(e => e.DataJson)
            .ToListAsync(cancellationToken);
        var reason = (string)flag["reason"]!;
        if (recent.Any(data => data.Contains($"\"{reason}\"", StringComparison.Ordinal)))
        {
            return;
        }

        flag["agentId"] = caller.Id;
        flag["goalId"] = goal.Id;
        context.AddTrailEvent(goal.GroupId, caller, TrailEventTypes.BreakerTripped, now, flag, goal.Id, caller.Id);
    }
}
