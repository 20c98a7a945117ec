using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.Trail;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// The items one pass holds for a person (<see cref="RoutingHold"/>), written set-based: one <c>UPDATE</c> for the items and
/// one <c>INSERT</c> for their questions in the trail, however many there are. A cold pass holds thousands (2,841 of 4,000
/// on the benchmark's group), and as tracked saves they were two statements each, most of the pass's write. The items are
/// then the pass's lean, untracked reads: each is matched on the version the pass read, so a hold loses a race as a tracked
/// save would, and the write reports it instead of throwing. Every pass writes this way by default; a pass smaller than
/// <c>Coordinator:SetBasedPassWritesFrom</c>, when that is set, tracks its held items and saves them with its offers instead
/// (<see cref="Track"/>), a few round trips fewer at the cost of reading the held items whole.
/// </summary>
internal sealed class PassHolds(Guid groupId)
{
    private static readonly string[] HoldColumns =
        [nameof(WorkItem.RoutingHeldAt), nameof(WorkItem.RoutingConfidence), nameof(WorkItem.RoutingCandidatesJson), nameof(WorkItem.UpdatedAt)];

    private readonly List<WorkItem> _held = [];
    private readonly List<TrailEvent> _questions = [];

    public int Count => _held.Count;

    public void Hold(WorkItem item, double confidence, IReadOnlyList<RoutingCandidateView> candidates, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (RoutingHold.Hold(item, confidence, candidates, now) is { } question)
        {
            _questions.Add(question);
        }

        _held.Add(item);
    }

    /// <summary>Hands the questions to the change tracker, for a pass whose held items are tracked and saved with its offers.</summary>
    public void Track(ClawDbContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.TrailEvents.AddRange(_questions);
    }

    /// <summary>
    /// Writes the holds inside the caller's transaction and announces them once it commits; false, having matched fewer
    /// items than it holds, when another pass or a person moved one since the pass read it (the caller rolls back).
    /// </summary>
    public async Task<bool> WriteAsync(ClawDbContext context, CancellationToken cancellationToken)
    {
        if (_held.Count == 0)
        {
            return true;
        }

        if (await context.UpdateRowsAsync(_held, HoldColumns, cancellationToken) != _held.Count)
        {
            return false;
        }

        LiveChangeCapture.Written(context, _held.Select(w => LiveChange.WorkItem(groupId, w.Id)));
        await TrailRows.InsertAsync(context, _questions, cancellationToken);
        return true;
    }
}
