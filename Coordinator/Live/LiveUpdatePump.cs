using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.Jobs;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Coordinator.Live;

/// <summary>
/// Drains <see cref="LiveChanges"/> in short batches, reads the current view of everything that changed, and
/// hands the updates to every <see cref="ILiveSink"/>. Batching coalesces bursts (a pass that assigns fifty
/// items, a progress report that touches an item, its attempt and its agent) into one read and one push each.
/// Changes in groups that no client of this node follows are dropped unread: a swarm nobody watches costs no reads.
/// That stays right with several nodes because every node gets every change (its own, and the others' over the
/// cluster bus) and serves only its own clients; no node pushes for another, so none needs to know who watches there.
/// </summary>
public sealed partial class LiveUpdatePump(
    LiveChanges changes, IEnumerable<ILiveSink> sinks, IServiceScopeFactory scopes, Bulkheads bulkheads, TimeProvider time, ILogger<LiveUpdatePump> logger)
    : BackgroundService
{
    public const string WorkName = "Live updates";

    /// <summary>Long enough to gather one unit of work's changes, short enough that a person never notices.</summary>
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(50);

    private const int MaxBatch = 2000;

    /// <summary>Tries per batch; the views are re-read each time, so a later try sends the latest state.</summary>
    private const int MaxAttempts = 3;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = changes.Reader;
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            await Task.Delay(BatchWindow, stoppingToken);
            var batch = new HashSet<LiveChange>();
            while (batch.Count < MaxBatch && reader.TryRead(out var change))
            {
                batch.Add(change);
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await PublishAsync(batch, stoppingToken);
                    break;
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // A database blip must not end live updates for the node: try the batch again, then move on.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    LogBatchFailed(logger, exception, batch.Count, attempt);
                    if (attempt == MaxAttempts)
                    {
                        await IsolateAsync(batch, stoppingToken);
                        break;
                    }

                    await Task.Delay(RetryDelay * attempt, stoppingToken);
                }
            }
        }
    }

    private async Task PublishAsync(IReadOnlyCollection<LiveChange> changes, CancellationToken cancellationToken)
    {
        var followed = changes.Where(change => sinks.Any(sink => sink.Follows(change.GroupId))).ToList();
        if (followed.Count == 0)
        {
            return;
        }

        var updates = await LoadAsync(followed, cancellationToken);
        foreach (var sink in sinks)
        {
            await sink.PublishAsync(updates);
        }
    }

    /// <summary>
    /// A batch that keeps failing is sent group by group, and a group that fails alone change by change: one item
    /// that cannot be read (or sent) costs only its own update, not every board's that shared its batch.
    /// </summary>
    private async Task IsolateAsync(IReadOnlyCollection<LiveChange> batch, CancellationToken cancellationToken)
    {
        foreach (var group in batch.GroupBy(c => c.GroupId))
        {
            var changes = group.ToList();
            var sent = await bulkheads.RunAsync(WorkName, group.Key, () => PublishAsync(changes, cancellationToken), cancellationToken);
            if (sent || changes.Count == 1)
            {
                continue;
            }

            foreach (var change in changes)
            {
                await bulkheads.RunAsync(WorkName, change.Id, () => PublishAsync([change], cancellationToken), cancellationToken);
            }
        }
    }

    /// <summary>The current views of what the batch touched, in the order items, members, events.</summary>
    public async Task<IReadOnlyList<LiveUpdate>> LoadAsync(IReadOnlyCollection<LiveChange> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await using var scope = scopes.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ClawDbContext>();
        var updates = new List<LiveUpdate>();

        var itemIds = Ids(batch, LiveChangeKind.WorkItem);
        if (itemIds.Count > 0)
        {
            var items = await context.WorkItems.Include(w => w.Assignments).Where(w => itemIds.Contains(w.Id)).ToListAsync(cancellationToken);
            var names = await context.LoadForViewsAsync(items, cancellationToken);
            updates.AddRange(items.Select(item => new WorkItemChanged(item.GroupId, item.ToView(names))));
        }

        foreach (var group in batch.Where(c => c.Kind == LiveChangeKind.Agent).GroupBy(c => c.GroupId))
        {
            var agents = await context.AgentsAsync(group.Key, group.Select(c => c.Id).ToHashSet(), cancellationToken,
                scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Hosting.CoordinatorOptions>>().CurrentValue.Breakers, time.GetUtcNow());
            updates.AddRange(agents.Select(member => new MemberChanged(group.Key, member)));
        }

        foreach (var group in batch.Where(c => c.Kind == LiveChangeKind.Human).GroupBy(c => c.GroupId))
        {
            var humans = await context.HumansAsync(group.Key, group.Select(c => c.Id).ToHashSet(), time.GetUtcNow(), cancellationToken);
            updates.AddRange(humans.Select(member => new MemberChanged(group.Key, member)));
        }

        var groupIds = Ids(batch, LiveChangeKind.Group);
        if (groupIds.Count > 0)
        {
            updates.AddRange(await context.Groups.AsNoTracking().Where(g => groupIds.Contains(g.Id))
                .Select(g => new GroupChanged(g.Id, new GroupInfoView(g.Id, g.Name, g.Description, g.RequireReview)))
                .ToListAsync(cancellationToken));
        }

        var eventIds = batch.Where(c => c.Kind == LiveChangeKind.Event).Select(c => c.EventId).ToHashSet();
        if (eventIds.Count > 0)
        {
            var events = await context.TrailEvents.AsNoTracking().Where(e => eventIds.Contains(e.Id)).OrderBy(e => e.Id).ToListAsync(cancellationToken);
            updates.AddRange(events.Select(e => new EventAppended(e.GroupId, e.ToView())));
        }

        return updates;
    }

    private static HashSet<Guid> Ids(IEnumerable<LiveChange> batch, LiveChangeKind kind)
        => batch.Where(c => c.Kind == kind).Select(c => c.Id).ToHashSet();

    [LoggerMessage(Level = LogLevel.Error, Message = "Live updates for {ChangeCount} changes could not be sent (try {Attempt})")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int changeCount, int attempt);
}
