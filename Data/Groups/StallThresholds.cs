namespace ClawGroups.Data.Groups;

/// <summary>
/// Stall detection thresholds, set per group and per agent (a long-running research agent is not a chat bot).
/// Every value is optional: the most specific one set wins (agent, then group, then configuration).
/// </summary>
public class StallThresholds
{
    public int? HeartbeatTimeoutSeconds { get; set; }

    public int? ProgressTimeoutSeconds { get; set; }

    /// <summary>Time after an agent accepts an item during which no progress is expected yet.</summary>
    public int? StartGraceSeconds { get; set; }

    /// <summary>How many times the expected duration a run may take before it is pinged.</summary>
    public double? OverrunFactor { get; set; }
}
