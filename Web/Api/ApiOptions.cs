using System.ComponentModel.DataAnnotations;

namespace ClawGroups.Web.Api;

/// <summary>The <c>ClawGroups:Api</c> section: limits that keep one client from hurting the others.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "ClawGroups:Api";

    /// <summary>Largest request body the API accepts; larger ones get 413.</summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Requests one agent may make per minute (a token bucket, so short bursts are fine); beyond it, 429.</summary>
    [Range(1, 1_000_000)]
    public int AgentRequestsPerMinute { get; set; } = 600;

    /// <summary>Requests one human token may make per minute.</summary>
    [Range(1, 1_000_000)]
    public int HumanRequestsPerMinute { get; set; } = 1200;

    /// <summary>
    /// Longest an API request may run before it is cancelled and answered 503 (long polls wait at most 30 s). Also how
    /// long an <c>Idempotency-Key</c> stays reserved by a request that never answered (a crash).
    /// </summary>
    [Range(35, 3600)]
    public int RequestTimeoutSeconds { get; set; } = 60;

    /// <summary>The default bound's share of each core, of <see cref="Environment.ProcessorCount"/> (decision 0038).</summary>
    public const int DefaultRequestsPerCore = 12;

    /// <summary>
    /// API requests this node works on at once (long polls aside); the rest wait their turn, at most 10 s, then 503
    /// (<see cref="ApiAdmission"/>). By default 12 per core, measured best for a freed slot's wait and the process's memory
    /// under a swarm (decision 0038), and on by default since it stopped costing CPU on average (decision 0043); 0: no limit. Read at
    /// start-up.
    /// </summary>
    [Range(0, 100_000)]
    public int MaxConcurrentRequests { get; set; } = DefaultRequestsPerCore * Environment.ProcessorCount;
}
