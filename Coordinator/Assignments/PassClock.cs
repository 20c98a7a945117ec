using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>Where a pass spent its time, phase by phase, for the debug log: the first thing to read when passes slow down.</summary>
internal sealed class PassClock
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly StringBuilder _phases = new();
    private TimeSpan _last;

    /// <summary>Ends the current phase under <paramref name="name"/>.</summary>
    public void Lap(string name)
    {
        var now = _clock.Elapsed;
        _phases.Append(CultureInfo.InvariantCulture, $"{(_phases.Length == 0 ? "" : ", ")}{name} {(now - _last).TotalMilliseconds:F0} ms");
        _last = now;
    }

    public override string ToString() => _phases.ToString();
}
