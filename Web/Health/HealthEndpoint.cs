using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClawGroups.Web.Health;

/// <summary><c>GET /health</c>: 200 while the database and the job system answer, 503 otherwise, with each check's state.</summary>
internal static class HealthEndpoint
{
    public const string Path = "/health";

    public static IEndpointConventionBuilder MapClawHealth(this IEndpointRouteBuilder endpoints)
        => endpoints.MapHealthChecks(Path, new HealthCheckOptions
        {
            ResponseWriter = WriteAsync,
            // Degraded (e.g. the job server still starting) still answers: only Unhealthy is 503.
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous();

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new
                {
                    status = entry.Value.Status.ToString().ToLowerInvariant(),
                    description = entry.Value.Description ?? entry.Value.Exception?.Message,
                    durationMs = Math.Round(entry.Value.Duration.TotalMilliseconds, 1),
                }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), context.RequestAborted);
    }
}
