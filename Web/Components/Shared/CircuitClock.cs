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
                _timer ??= new Timer(_ => Tick(), null, Interval, Interval);
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

    private void Tick()
    {
        try
        {
            _ticked?.Invoke();
        }
#pragma warning disable CA1031 // An exception on a timer thread would end the process; a label that failed to tick is not worth that.
        catch (Exception)
#pragma warning restore CA1031
        {
            // The page is going away; its labels stop with it.
        }
    }
}
