namespace ClawGroups.Web.Components.Shared;

/// <summary>
/// One ticking clock per circuit for "12 s ago" labels. Each label re-renders itself only when its text changes,
/// so a page of thousands of cards is not re-rendered every second to move a few labels.
/// </summary>
public sealed class CircuitClock : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private Timer? _timer;
    private Action? _ticked;

    public event Action Ticked
    {
        add
        {
            lock (_gate)
            {
                _ticked += value;
                _timer ??= new Timer(_ => _ticked?.Invoke(), null, Interval, Interval);
            }
        }

        remove
        {
            lock (_gate)
            {
                _ticked -= value;
            }
        }
    }

    public void Dispose() => _timer?.Dispose();
}
