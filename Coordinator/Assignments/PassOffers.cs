using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// What the assignment pass and the reviewer pass do alike with the offers they make: each agent offered something joins
/// the pass's optimistic check, every offer goes out with the item's whole view, and the pass commits as one or not at all.
/// </summary>
internal sealed class PassOffers(ClawDbContext context, WorkItemLifecycle lifecycle)
{
    private readonly List<(WorkItem Item, Agent Agent)> _offers = [];
    private readonly HashSet<Guid> _claimed = [];

    public int Count => _offers.Count;

    /// <summary>Records an offer the lifecycle has made; it is announced by <see cref="AnnounceAsync"/>.</summary>
    public void Add(WorkItem item, Agent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (_claimed.Add(agent.Id))
        {
            // Two passes that each give the last free slot of one agent to different items conflict on the agent's row,
            // and only one commits.
            context.Agents.Attach(agent).Property(a => a.Status).IsModified = true;
        }

        _offers.Add((item, agent));
    }

    /// <summary>Sends each offer with the whole item, written in the same transaction as the assignment.</summary>
    public async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        var names = await context.LoadForViewsAsync(_offers.Select(o => o.Item).ToList(), cancellationToken);
        foreach (var (item, agent) in _offers)
        {
            lifecycle.AnnounceOffer(agent, item.ToView(names));
        }
    }

    /// <summary>Commits the pass; false when another worker's pass moved some of these items or agents first.</summary>
    public async Task<bool> CommitAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Every slot this pass fills stays empty until it commits: its save goes before the agents' reports queued for
            // the embedded database's one writer.
            using (WritePriority.Ahead())
            {
                await lifecycle.SaveAsync(cancellationToken);
            }

            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            // The next pass starts from the new state.
            return false;
        }
    }

    /// <summary>Commits the pass with the items it holds for a person, in one transaction; false as <see cref="CommitAsync(CancellationToken)"/>.</summary>
    public async Task<bool> CommitAsync(PassHolds holds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(holds);
        if (holds.Count == 0)
        {
            return await CommitAsync(cancellationToken);
        }

        try
        {
            return await lifecycle.SaveWithAsync(ct => holds.WriteAsync(context, ct), cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The next pass starts from the new state.
            return false;
        }
    }
}
