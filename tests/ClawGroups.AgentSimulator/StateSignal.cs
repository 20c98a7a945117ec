namespace ClawGroups.AgentSimulator;

/// <summary>Lets callers wait, with a deadline, for a condition over state that changes on other threads.</summary>
public sealed class StateSignal
{
    private TaskCompletionSource _changed = NewSource();

    /// <summary>Wakes every waiter to check its condition again.</summary>
    public void Pulse() => Interlocked.Exchange(ref _changed, NewSource()).TrySetResult();

    /// <summary>Returns when <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> at the deadline.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string? what = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            if (condition())
                return;
            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (condition())
                    return;
                throw new TimeoutException($"Not within {timeout}: {what ?? "the condition"}.");
            }
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
