using System.ComponentModel.DataAnnotations;

namespace ClawGroups.Coordinator.Hosting;

/// <summary>
/// The <c>ClawGroups:Coordinator</c> section (environment <c>ClawGroups__Coordinator__…</c>). Groups and agents
/// may override the stall thresholds; these are the defaults.
/// </summary>
public sealed class CoordinatorOptions
{
    public const string SectionName = "ClawGroups:Coordinator";

    /// <summary>An agent silent this long is stalled.</summary>
    [Range(5, 7 * 24 * 3600)]
    public int HeartbeatTimeoutSeconds { get; set; } = 90;

    /// <summary>
    /// How often agents are expected to heartbeat. After two missed heartbeats the board warns on the agent's cards and roster
    /// entry, well before <see cref="HeartbeatTimeoutSeconds"/> stalls it.
    /// </summary>
    [Range(1, 7 * 24 * 3600)]
    public int HeartbeatIntervalSeconds { get; set; } = 30;

    /// <summary>An item in progress without any progress report this long is stalled.</summary>
    [Range(5, 7 * 24 * 3600)]
    public int ProgressTimeoutSeconds { get; set; } = 900;

    /// <summary>How often the stall sweep and the safety-net assignment pass run.</summary>
    [Range(1, 3600)]
    public int SweepIntervalSeconds { get; set; } = 5;

    /// <summary>After an agent accepts, this long may pass before the first progress report is expected.</summary>
    [Range(0, 7 * 24 * 3600)]
    public int StartGraceSeconds { get; set; } = 60;

    /// <summary>A run longer than this many times the model's expected duration is pinged, then revoked.</summary>
    [Range(1.1, 1000)]
    public double OverrunFactor { get; set; } = 4;

    /// <summary>
    /// How a pass chooses: <c>Optimal</c> (most items, then the best total score; the default) or <c>Greedy</c>
    /// (best pair first), kept as a fallback and as the baseline the benchmark measures against.
    /// </summary>
    public AssignmentSolver Solver { get; set; } = AssignmentSolver.Optimal;

    /// <summary>When the feedback job tunes each group's skill model on its finished work (Hangfire cron, UTC); hourly by default.</summary>
    public string FeedbackCron { get; set; } = "0 * * * *";

    /// <summary>Accepted items a group needs before its model is tuned: fewer teach noise.</summary>
    [Range(1, 100_000)]
    public int FeedbackMinExamples { get; set; } = 10;

    /// <summary>
    /// How sure the skill model must be of who should take an item to offer it: the margin between the best and the
    /// second-best affinity among the members who could take it. Below it, when two or more could, the item waits in ready
    /// for a person to route it, with its best candidates. 0 turns this off: the coordinator routes everything itself.
    /// The default is the widest margin below which the shipped model's picks on the real-style dev half were more often
    /// wrong than right (`eval` prints the table; decision 0015): 7 % of tasks wait, and 47 % of those it would have got right.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MinRoutingConfidence { get; set; } = 0.03;

    /// <summary>
    /// How many rows (items held for a person and offers) a pass writes before it writes its holds, its agents' claims and its
    /// trail set-based, one statement each, beside its tracked offers (PassOffers): a cold pass's ~3,500 rows were ~8,000
    /// statements. 0, the default: always. A steady pass's ~50 rows saved and offered in a median 24.5 ms set-based against
    /// 30 ms tracked (docs/PERFORMANCE.md, "A pass when little has changed"): the held items need not be read whole to be
    /// tracked, which outweighs the few more statements. A larger value keeps small passes on tracked saves.
    /// </summary>
    [Range(0, 1_000_000)]
    public int SetBasedPassWritesFrom { get; set; }

    /// <summary>
    /// How long a node's passes reuse a group's track records before summing its 90 days of endings again (TrackRecordCache):
    /// at 40,000 finished attempts that sum was over half of a steady pass. 0 reads them on every pass.
    /// </summary>
    [Range(0, 3600)]
    public int TrackRecordRefreshSeconds { get; set; } = 30;

    /// <summary>Attempts an item gets before it fails and is escalated to the group's humans.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>When loops and runaways are stopped (the <c>Breakers</c> subsection; decision 0028).</summary>
    public Breakers.BreakerOptions Breakers { get; set; } = new();

    /// <summary>
    /// How long an offer to a person may wait for their accept or decline before it goes to someone else (decision 0029):
    /// longer than an agent's heartbeat timeout, since a person reads the workspace between other things.
    /// </summary>
    [Range(5, 7 * 24 * 3600)]
    public int PersonOfferTimeoutSeconds { get; set; } = 3600;
}

public enum AssignmentSolver
{
    Optimal = 0,
    Greedy = 1,
}
