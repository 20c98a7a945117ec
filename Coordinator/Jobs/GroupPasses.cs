using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Cluster;
using ClawGroups.Data.Database;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Coordinator.Jobs;

/// <summary>
/// Runs a group's passes behind its bulkhead, one at a time on this node (<see cref="GroupPassTurns"/>) and across the
/// nodes (<see cref="GroupPassLock"/>), each turn in a unit of work of its own. The one place in the jobs that opens
/// scopes itself, because the job's own scope is not enough: a pass asked for while one runs is folded into it and the
/// running one goes round again, and that round must read the group as it is then, with a fresh DbContext and a fresh
/// <see cref="WorkItems.WorkItemLifecycle"/> (whose clock and pending signals belong to one save); and the sweep runs many
/// groups' passes, where one group's failed save must not leave its entities behind for the next group.
/// </summary>
public sealed class GroupPasses(IServiceScopeFactory scopes, GroupPassTurns turns, GroupPassLock passLock, Bulkheads bulkheads)
{
    public const string Work = "Assignment pass";

    /// <summary>The group's assignment pass and then its reviewer pass: what a change in the group asks for.</summary>
    public Task AssignAndFindReviewersAsync(Guid groupId, CancellationToken cancellationToken)
        => RunAsync(groupId, reviewersToo: true, cancellationToken);

    /// <summary>The group's assignment pass alone: the sweep finds the results waiting on a reviewer by itself.</summary>
    public Task AssignAsync(Guid groupId, CancellationToken cancellationToken)
        => RunAsync(groupId, reviewersToo: false, cancellationToken);

    private Task RunAsync(Guid groupId, bool reviewersToo, CancellationToken cancellationToken) => TurnAsync(groupId, async () =>
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AssignmentPass>().RunAsync(groupId, cancellationToken);
        if (reviewersToo)
        {
            scope.ServiceProvider.GetRequiredService<ClawDbContext>().ChangeTracker.Clear();
            await scope.ServiceProvider.GetRequiredService<ReviewerPass>().RunAsync(groupId, cancellationToken);
        }
    }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="turn"/> as the group's next turn, behind its bulkhead: on this node after the running one (or
    /// folded into it: <see cref="GroupPassTurns"/>), and across the nodes when the group's lock is this node's.
    /// </summary>
    internal Task<bool> TurnAsync(Guid groupId, Func<Task> turn, CancellationToken cancellationToken) => bulkheads.RunAsync(Work, groupId, () => turns.RunAsync(groupId, async () =>
    {
        // Taken per turn, not for the node's whole run of turns: a node folding requests into its next turn waits behind
        // another node's turn asked for meanwhile, so nodes with work for one group take turns at it.
        await using var held = await passLock.TakeAsync(groupId, cancellationToken);
        await turn();
    }), cancellationToken);
}
