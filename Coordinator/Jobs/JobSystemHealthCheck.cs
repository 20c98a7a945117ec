using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Jobs;

/// <summary>Healthy when the job storage answers and, where this process runs workers, its server is registered.</summary>
internal sealed class JobSystemHealthCheck(JobStorage storage, IOptions<JobSystemOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // Hangfire's storage API is synchronous; both calls are single indexed reads.
            var monitoring = storage.GetMonitoringApi();
            var servers = monitoring.Servers();
            var enqueued = monitoring.EnqueuedCount(JobQueues.Coordinator);
            var data = new Dictionary<string, object> { ["servers"] = servers.Count, ["coordinatorQueue"] = enqueued };
            if (options.Value.RunServer && servers.Count == 0)
            {
                return Task.FromResult(HealthCheckResult.Degraded("No job server has registered yet.", data: data));
            }

            return Task.FromResult(HealthCheckResult.Healthy($"{servers.Count} job server(s)", data));
        }
#pragma warning disable CA1031 // A health check reports any failure of the dependency it probes.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The job storage does not answer.", exception));
        }
    }
}
