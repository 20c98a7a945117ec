using System.Collections.Concurrent;
using ClawGroups.Coordinator.Cluster;
using ClawGroups.Coordinator.Live;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Tests.Live;

/// <summary>
/// What this node would tell the others: every change it committed. Contexts made by <see cref="Context"/> report their saves
/// and set-based writes here, through the live capture and its commit watch, as the app's contexts do.
/// </summary>
internal sealed class AnnouncedChanges : IClusterBus
{
    private readonly ConcurrentQueue<LiveChange> _changes = new();

    public IReadOnlyCollection<LiveChange> Changes => _changes;

    public void Publish(LiveChange change) => _changes.Enqueue(change);

    public void AgentHasNews(Guid agentId)
    {
    }

    public Task AgentKeyChangedAsync(ClawDbContext context, Guid agentId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A context on <paramref name="database"/> whose committed changes are announced here.</summary>
    public ClawDbContext Context(TestDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var capture = new LiveChangeCapture(new LiveChanges(this));
        return new ClawDbContext(new DbContextOptionsBuilder<ClawDbContext>(database.ContextOptions())
            .AddInterceptors(capture, new LiveChangeCommitWatch(capture)).Options);
    }
}
