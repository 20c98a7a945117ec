namespace ClawGroups.Web.Components.Workspace;

/// <summary>
/// When a circuit's pages hear of live changes: at once after a quiet spell, so that a lone progress report reaches the
/// page without waiting, and at most once per interval while changes keep coming, so that a burst (hundreds of agents
/// reporting) costs one render per interval, not one per change.
/// </summary>
public sealed class ChangeThrottle(TimeSpan interval, TimeProvider time)
{
    /// <summary>
    /// How often a page that renders whole (a board's columns, a roster) follows live changes at most: five times a second.
    /// </summary>
    public static readonly TimeSpan WholePageInterval = TimeSpan.FromMilliseconds(200);

    private readonly Lock _gate = new();
    private bool _scheduled;
    private DateTimeOffset? _lastRun;

    /// <summary>
    /// For a change now: how long to wait before telling the pages, or null when they are told soon already (the change
    /// rides on that run, which reads the newest state).
    /// </summary>
    public TimeSpan? Schedule()
    {
        lock (_gate)
        {
            if (_scheduled)
            {
                return null;
            }

            _scheduled = true;
            var sinceLast = _lastRun is { } last ? time.GetUtcNow() - last : interval;
            return sinceLast >= interval ? TimeSpan.Zero : interval - sinceLast;
        }
    }

    /// <summary>
    /// For a change now: runs <paramref name="run"/> when <see cref="Schedule"/> says, never on the caller's own turn (a
    /// live feed's thread, or a render in progress), or not at all when a run is coming anyway.
    /// </summary>
    public Task PaceAsync(Func<Task> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Schedule() is { } wait ? RunAfterAsync(wait, run) : Task.CompletedTask;
    }

    private async Task RunAfterAsync(TimeSpan wait, Func<Task> run)
    {
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time);
        }
        else
        {
            await Task.Yield();
        }

        Ran();
        await run();
    }

    /// <summary>Marks the pages being told now: a change from here on is scheduled anew.</summary>
    public void Ran()
    {
        lock (_gate)
        {
            _scheduled = false;
            _lastRun = time.GetUtcNow();
        }
    }
}
