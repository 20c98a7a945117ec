using ClawGroups.AgentSimulator.Api;

namespace ClawGroups.AgentSimulator.Agents;

/// <summary>One accepted item being worked on: revocable, pausable.</summary>
internal sealed class WorkRun : IDisposable
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _resumed;

    public WorkRun(WorkItem item, CancellationToken agentStopping)
    {
        Item = item;
        Revoked = CancellationTokenSource.CreateLinkedTokenSource(agentStopping);
    }

    public WorkItem Item { get; }

    /// <summary>Cancelled on <c>work.revoked</c>, on a lost lease, and when the agent stops.</summary>
    public CancellationTokenSource Revoked { get; }

    public Task Task { get; set; } = Task.CompletedTask;

    public double Fraction { get; set; }

    public Usage Usage { get; set; } = new(0, 0, 0m);

    public bool IsPaused
    {
        get { lock (_lock) return _resumed is not null; }
    }

    public void Pause()
    {
        lock (_lock)
            _resumed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Resume()
    {
        TaskCompletionSource? resumed;
        lock (_lock)
        {
            resumed = _resumed;
            _resumed = null;
        }
        resumed?.TrySetResult();
    }

    public Task WaitWhilePausedAsync()
    {
        TaskCompletionSource? resumed;
        lock (_lock)
            resumed = _resumed;
        return resumed is null ? Task.CompletedTask : resumed.Task.WaitAsync(Revoked.Token);
    }

    /// <summary>Works for <paramref name="interval"/>, not counting time paused.</summary>
    public async Task WorkForAsync(TimeSpan interval, TimeProvider timeProvider)
    {
        await WaitWhilePausedAsync();
        await Task.Delay(interval, timeProvider, Revoked.Token);
        await WaitWhilePausedAsync();
    }

    public void Dispose() => Revoked.Dispose();
}
