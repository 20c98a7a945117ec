namespace ClawGroups.Testing.Time;

/// <summary>A clock that moves only when the test moves it, for schedules measured in seconds or minutes.</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    /// <summary>A whole second, so that any fraction in a computed time comes from the code under test.</summary>
    public ManualTime()
        : this(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    /// <summary>The monotonic clock moves with the wall clock here, in ticks, so that elapsed times follow <see cref="Advance"/>.</summary>
    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public void Set(DateTimeOffset to) => Interlocked.Exchange(ref _ticks, to.UtcTicks);
}
