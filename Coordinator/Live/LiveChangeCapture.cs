using System.Data.Common;
using System.Runtime.CompilerServices;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Groups;
using ClawGroups.Data.Trail;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace ClawGroups.Coordinator.Live;

/// <summary>
/// Sees every tracked change as it is saved and reports what it touched once the transaction has committed.
/// Hooking the save rather than each service means no move, job or endpoint can forget to announce itself.
/// </summary>
public sealed class LiveChangeCapture(LiveChanges changes) : SaveChangesInterceptor
{
    // Per context: what the current save is about to write, from the save's start to its end. A pooled context serves many
    // requests in turn, but one save at a time, and each save replaces what the one before it left.
    private readonly ConditionalWeakTable<DbContext, Pending> _pending = [];

    // Per transaction, not per context: changes saved inside an explicit transaction, until it commits. A transaction disposed
    // without commit or rollback tells no interceptor; keyed by it, what it saved goes with it, where a pooled context would
    // have carried it into the next request's commit.
    private readonly ConditionalWeakTable<DbTransaction, List<LiveChange>> _awaitingCommit = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Capture(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Capture(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Report(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Report(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override void SaveChangesCanceled(DbContextEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Capture(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        if (context.ChangeTracker.AutoDetectChangesEnabled)
        {
            context.ChangeTracker.DetectChanges();
        }

        var pending = new Pending();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached)
            {
                continue;
            }

            if (entry.Entity is TrailEvent trailEvent)
            {
                if (entry.State == EntityState.Added)
                {
                    // Its id is given by the database: read it after the save.
                    pending.Events.Add(trailEvent);
                }

                continue;
            }

            AddChanges(context, entry, pending.Changes);
        }

        _pending.AddOrUpdate(context, pending);
    }

    /// <summary>
    /// Adds to <paramref name="changes"/> what live clients should hear of a change of <paramref name="entry"/> (not a trail
    /// event's: its id is known only once it is saved), read before it is saved: a person's load is read from the original
    /// assignee too. Into a set, so that rows touching one item or member make one announcement.
    /// </summary>
    public static void AddChanges(DbContext context, EntityEntry entry, ISet<LiveChange> changes)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(changes);
        switch (entry.Entity)
        {
            case WorkItem item:
                changes.Add(LiveChange.WorkItem(item.GroupId, item.Id));
                // A person's load changes when they take an item or let it go.
                foreach (var userId in new[] { item.AssigneeUserId, entry.Property(nameof(WorkItem.AssigneeUserId)).OriginalValue as Guid? }.OfType<Guid>())
                {
                    changes.Add(LiveChange.Human(item.GroupId, userId));
                }

                break;
            case Assignment assignment:
                changes.Add(LiveChange.WorkItem(assignment.GroupId, assignment.WorkItemId));
                if (assignment.AgentId is { } agentId)
                {
                    // The agent's load and track record change with its attempts.
                    changes.Add(LiveChange.Agent(assignment.GroupId, agentId));
                }

                break;
            case Artifact artifact when OwnerOf(context, artifact) is { } owner:
                changes.Add(LiveChange.WorkItem(owner.GroupId, owner.Id));
                break;
            case Agent agent:
                changes.Add(LiveChange.Agent(agent.GroupId, agent.Id));
                break;
            case Group group:
                changes.Add(LiveChange.Group(group.Id));
                break;
            case GroupMember member:
                changes.Add(LiveChange.Human(member.GroupId, member.UserId));
                break;
        }
    }

    private static WorkItem? OwnerOf(DbContext context, Artifact artifact)
        => context.ChangeTracker.Entries<WorkItem>().Select(e => e.Entity).FirstOrDefault(w => w.Id == artifact.WorkItemId);

    /// <summary>
    /// Announces what a set-based write through <paramref name="context"/> changed (the change tracker never saw it) as a
    /// save's changes are announced: once the context's transaction commits, or at once outside one. Does nothing on a
    /// context made without the capture, whose saves are not announced either.
    /// </summary>
    public static void Written(DbContext context, IEnumerable<LiveChange> changes)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(changes);
        var interceptors = context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors ?? [];
        foreach (var capture in interceptors.OfType<LiveChangeCapture>())
        {
            capture.Report(context, changes.ToList());
        }
    }

    private void Report(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var pending))
        {
            return;
        }

        _pending.Remove(context);
        Report(context, pending.Changes.Concat(pending.Events.Select(e => LiveChange.Event(e.GroupId, e.Id))).ToList());
    }

    private void Report(DbContext context, List<LiveChange> saved)
    {
        if (context.Database.CurrentTransaction is { } transaction)
        {
            // Saved inside an explicit transaction: other connections cannot see it yet, so a view read now
            // would be the old one. Hold the changes until the transaction commits (or drop them if it does not).
            _awaitingCommit.GetOrCreateValue(transaction.GetDbTransaction()).AddRange(saved);
            return;
        }

        Publish(saved);
    }

    /// <summary>The transaction committed: what its saves changed is visible now.</summary>
    internal void Committed(DbTransaction transaction)
    {
        if (_awaitingCommit.TryGetValue(transaction, out var saved))
        {
            _awaitingCommit.Remove(transaction);
            Publish(saved);
        }
    }

    /// <summary>The transaction rolled back: nothing it saved happened.</summary>
    internal void RolledBack(DbTransaction transaction) => _awaitingCommit.Remove(transaction);

    private void Publish(IEnumerable<LiveChange> saved)
    {
        foreach (var change in saved)
        {
            changes.Add(change);
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            _pending.Remove(context);
        }
    }

    private sealed class Pending
    {
        public HashSet<LiveChange> Changes { get; } = [];

        public List<TrailEvent> Events { get; } = [];
    }
}
