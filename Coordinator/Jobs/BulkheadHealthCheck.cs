using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClawGroups.Coordinator.Jobs;

/// <summary>
/// Degraded while some group's background work keeps failing on this node. Not unhealthy: the node serves everyone
/// else, and taking it out of a load balancer would not mend one group's data; an operator has to look.
/// </summary>
public sealed class BulkheadHealthCheck(Bulkheads bulkheads) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = bulkheads.KeepsFailing();
        if (failing.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("No background work keeps failing."));
        }

        var worst = failing[0];
        var data = failing.Take(20).ToDictionary(f => $"{f.Work} {f.Scope}", f => (object)$"{f.Failures} failures since {f.Since:O}: {f.LastError}");
        return Task.FromResult(HealthCheckResult.Degraded(
            $"{failing.Count} unit(s) of background work keep failing; the worst: {worst.Work} for {worst.Scope}, {worst.Failures} times since {worst.Since:O} ({worst.LastError}).",
            data: data));
    }
}
