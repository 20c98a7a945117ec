using System.ComponentModel.DataAnnotations;

namespace ClawGroups.Coordinator.Jobs;

/// <summary>The <c>ClawGroups:Jobs</c> section: how this process takes part in the Hangfire job system.</summary>
public sealed class JobSystemOptions
{
    public const string SectionName = "ClawGroups:Jobs";

    /// <summary>
    /// Run a Hangfire server (workers) in this process. On by default, so one process is a whole installation;
    /// turn off on web nodes when dedicated coordinator workers run the jobs.
    /// </summary>
    public bool RunServer { get; set; } = true;

    /// <summary>Workers of the in-process server; jobs mostly wait on the database and the network.</summary>
    [Range(1, 200)]
    public int WorkerCount { get; set; } = Math.Max(4, Environment.ProcessorCount * 2);

    /// <summary>
    /// How often a PostgreSQL-backed server polls its queues when no notification arrives. Enqueues from other
    /// processes are also announced with LISTEN/NOTIFY, so this is only the fallback.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
