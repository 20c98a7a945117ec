namespace ClawGroups.AgentSimulator.Agents;

/// <summary>Every pause a simulated agent makes; tests use sub-second values.</summary>
public sealed record AgentTimings
{
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The pause before each progress report and before the result (diligent agents).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The pause between progress reports of a slow agent, unless its behaviour names one.</summary>
    public TimeSpan SlowProgressInterval { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Progress reports before the result.</summary>
    public int ProgressReports { get; init; } = 3;

    /// <summary>The <c>waitSeconds</c> of each long poll (0..30).</summary>
    public int PullWaitSeconds { get; init; } = 10;

    /// <summary>The pause before trying again after a failed call in a loop.</summary>
    public TimeSpan ErrorBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a call that got no answer, a 5xx, a 429 or the server's "request in progress" is tried again with the
    /// same idempotency key, every <see cref="ErrorBackoff"/>: an agent riding out a server restart. Null: three tries.
    /// </summary>
    public TimeSpan? RetryFor { get; init; }

    /// <summary>Timings for tests: everything well under a second.</summary>
    public static AgentTimings Fast { get; } = new()
    {
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        ProgressInterval = TimeSpan.FromMilliseconds(100),
        SlowProgressInterval = TimeSpan.FromSeconds(2),
        PullWaitSeconds = 1,
        ErrorBackoff = TimeSpan.FromMilliseconds(100),
    };
}
