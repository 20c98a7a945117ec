using static ClawGroups.Benchmarks.BenchmarkArgs;

namespace ClawGroups.Benchmarks.Soak;

/// <summary>
/// The soak's size, its mix of agents and its compressed clock. Every figure is an option; the defaults are the issue's
/// shape scaled down to what a small run shows in minutes.
/// </summary>
internal sealed record SoakOptions
{
    public int Agents { get; init; } = 3_000;

    public int Items { get; init; } = 40_000;

    /// <summary>App nodes on the one database; the agents are spread over them in turn.</summary>
    public int Nodes { get; init; } = 2;

    /// <summary>The items are fed evenly over this many minutes (ignored with <see cref="Preload"/>).</summary>
    public double FeedMinutes { get; init; }

    /// <summary>Every item is created before the first agent joins.</summary>
    public bool Preload { get; init; }

    /// <summary>The run gives up after this long, items done or not.</summary>
    public double LimitMinutes { get; init; }

    /// <summary>Share of agents that take work by webhook; the rest long-poll.</summary>
    public double Webhook { get; init; } = 0.3;

    /// <summary>Share of agents that work <see cref="SlowFactor"/> times as long as the rest.</summary>
    public double Slow { get; init; } = 0.1;

    /// <summary>Share of agents that now and then fall silent mid-item: no heartbeat, no progress, for <see cref="SilenceSeconds"/>.</summary>
    public double Silent { get; init; } = 0.05;

    /// <summary>Share of agents that decline often: at the offer, or half-way through the work.</summary>
    public double Failing { get; init; } = 0.05;

    public double SlowFactor { get; init; } = 10;

    /// <summary>A silent agent falls silent on one item in this many.</summary>
    public int SilentEvery { get; init; } = 3;

    /// <summary>A failing agent declines this share of its offers at once, and gives up this share of the rest half-way.</summary>
    public double DeclineShare { get; init; } = 0.4;

    // The compressed clock: seconds where production has minutes.
    public int HeartbeatSeconds { get; init; } = 3;

    public int HeartbeatTimeoutSeconds { get; init; } = 10;

    public int ProgressTimeoutSeconds { get; init; } = 20;

    public int StartGraceSeconds { get; init; } = 5;

    public int SweepSeconds { get; init; } = 2;

    /// <summary>Long enough for the sweep to see the silence and move the items on; then the agent speaks again.</summary>
    public int SilenceSeconds { get; init; } = 25;

    /// <summary>Attempts before an item fails and goes to a person: raised, so that a few failing agents do not end items.</summary>
    public int MaxAttempts { get; init; } = 20;

    public double FeedRatePerSecond => Preload ? double.PositiveInfinity : Items / (FeedMinutes * 60);

    public static SoakOptions Parse(IReadOnlyList<string> args)
    {
        var defaults = new SoakOptions();
        var items = IntOption(args, "--items", defaults.Items);
        // About 7 items a second: 600 items in 3 minutes, 40,000 in 100.
        var feedMinutes = NumberOption(args, "--minutes", Math.Max(3, items / 400.0), 0.1, 24 * 60);
        var options = new SoakOptions
        {
            Agents = IntOption(args, "--agents", defaults.Agents),
            Items = items,
            Nodes = IntOption(args, "--nodes", defaults.Nodes),
            FeedMinutes = feedMinutes,
            Preload = args.Contains("--preload"),
            LimitMinutes = NumberOption(args, "--limit-minutes", 2 * feedMinutes + 5, 1, 48 * 60),
            Webhook = NumberOption(args, "--webhook", defaults.Webhook, 0, 1),
            Slow = NumberOption(args, "--slow", defaults.Slow, 0, 1),
            Silent = NumberOption(args, "--silent", defaults.Silent, 0, 1),
            Failing = NumberOption(args, "--failing", defaults.Failing, 0, 1),
            SlowFactor = NumberOption(args, "--slow-factor", defaults.SlowFactor, 1, 1000),
            SilentEvery = IntOption(args, "--silent-every", defaults.SilentEvery),
            DeclineShare = NumberOption(args, "--decline-share", defaults.DeclineShare, 0, 1),
            HeartbeatSeconds = IntOption(args, "--heartbeat-seconds", defaults.HeartbeatSeconds),
            HeartbeatTimeoutSeconds = IntOption(args, "--heartbeat-timeout", defaults.HeartbeatTimeoutSeconds, 5),
            ProgressTimeoutSeconds = IntOption(args, "--progress-timeout", defaults.ProgressTimeoutSeconds, 5),
            StartGraceSeconds = IntOption(args, "--start-grace", defaults.StartGraceSeconds, 0),
            SweepSeconds = IntOption(args, "--sweep-seconds", defaults.SweepSeconds),
            SilenceSeconds = IntOption(args, "--silence-seconds", defaults.SilenceSeconds),
            MaxAttempts = IntOption(args, "--max-attempts", defaults.MaxAttempts),
        };
        if (options.Slow + options.Silent + options.Failing > 1)
            throw new ArgumentException("--slow, --silent and --failing are shares of all agents: together at most 1.");
        return options;
    }
}
