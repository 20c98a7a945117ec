using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// What the assignment pass and the reviewer pass do alike with the offers they make: each agent offered something joins
/// the pass's optimistic check, every offer goes out with the item's whole view, and the pass commits as one or not at all.
/// With <paramref name="holds"/> (the assignment pass), the agents' check, the holds and the trail are written set-based
/// beside the tracked offers, in the same transaction: at a cold pass's size, one statement each instead of one per row.
/// </summary>
internal sealed class PassOffers(ClawDbContext context, WorkItemLifecycle lifecycle, PassHolds? holds = null)
{
    private static readonly string[] ClaimColumns = [nameof(Agent.Status)];

    private readonly List<(WorkItem Item, Agent Agent)> _offers = [];
    private readonly HashSet<Guid> _claimed = [];
    private readonly List<Agent> _claimedAgents = [];

    public int Count => _offers.Count;

    /// <summary>Records an offer the lifecycle has made; it is announced by <see cref="AnnounceAsync"/>.</summary>
    public void Add(WorkItem item, Agent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (_claimed.Add(agent.Id))
        {
            // Two passes that each give the last free slot of one agent to different items conflict on the agent's row,
            // and only one commits. The agent alone is tracked, not its graph: its skills are the node's shared
            // AgentSkillCache rows, which no context may track.
            if (holds is null)
            {
                var entry = context.Entry(agent);
                entry.State = EntityState.Unchanged;
                entry.Property(a => a.Status).IsModified = true;
            }
            else
            {
                _claimedAgents.Add(agent);
            }
        }

        _offers.Add((item, agent));
    }

    /// <summary>
    /// Sends each offer, written in the same transaction as the assignment: with the whole item where it goes out as a
    /// message; only those items' dependencies, artifacts and member names are read for their views.
    /// </summary>
    public async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        var told = _offers.Where(o => WorkItemLifecycle.OfferIsTold(o.Agent)).Select(o => o.Item).ToList();
        var names = told.Count == 0 ? new Dictionary<Guid, string>() : await context.LoadForViewsAsync(told, cancellationToken);
        foreach (var (item, agent) in _offers)
        {
            lifecycle.AnnounceOffer(agent, () => item.ToView(names));
        }
    }

    /// <summary>Commits the pass; false when another worker's pass moved some of these items or agents first.</summary>
    public async Task<bool> CommitAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Every slot this pass fills stays empty until it commits: its save goes before the agents' reports queued for
            // the embedded database's one writer (and its set-based writes with it: the gate is held from the transaction's start).
            using (WritePriority.Ahead())
            {
                if (holds is null)
                {
                    await lifecycle.SaveAsync(cancellationToken);
                    return true;
                }

                return await lifecycle.SaveWithAsync(WriteBesideAsync, cancellationToken);
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            // The next pass starts from the new state.
            return false;
        }
    }

    /// <summary>
    /// The agents' claims, each matched on the version the pass read (as a tracked save of their status would be), the offers'
    /// attempts and items, then the holds. The attempts go first: an item names its current attempt.
    /// </summary>
    private async Task<bool> WriteBesideAsync(CancellationToken cancellationToken)
    {
        if (_claimedAgents.Count > 0)
        {
            if (await context.UpdateRowsAsync(_claimedAgents, ClaimColumns, cancellationToken) != _claimedAgents.Count)
            {
                return false;
            }

            LiveChangeCapture.Written(context, _claimedAgents.Select(a => LiveChange.Agent(a.GroupId, a.Id)));
        }

        // One look for the unit's changes serves both (each look at the tracker would walk every tracked row again).
        context.ChangeTracker.DetectChanges();
        using (DetectionPause.Begin(context.ChangeTracker))
        {
            await TrackedRows.InsertAddedAsync<Assignment>(context, cancellationToken);
            if (!await TrackedRows.UpdateModifiedAsync<WorkItem>(context, cancellationToken))
            {
                return false;
            }
        }

        return await holds!.WriteAsync(context, cancellationToken);
    }
}
