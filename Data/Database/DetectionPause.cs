using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace ClawGroups.Data.Database;

/// <summary>
/// Turns EF Core's automatic change detection off for a stretch of code and back to what it was at the end. Each look at
/// the change tracker otherwise walks every tracked entity again, which a save or a read of the tracker that knows nothing
/// changed in between does not need.
/// </summary>
public readonly struct DetectionPause : IDisposable
{
    private readonly ChangeTracker _tracker;
    private readonly bool _detecting;

    private DetectionPause(ChangeTracker tracker)
    {
        _tracker = tracker;
        _detecting = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
    }

    public static DetectionPause Begin(ChangeTracker tracker)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        return new DetectionPause(tracker);
    }

    public void Dispose() => _tracker.AutoDetectChangesEnabled = _detecting;
}
