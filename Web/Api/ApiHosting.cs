using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Web.Accounts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ClawGroups.Web.Api;

/// <summary>The REST API of docs/API.md: JSON conventions, limits, OpenAPI, and the route table.</summary>
public static class ApiHosting
{
    public const string Prefix = "/api/v1";
    internal const string RateLimitPolicy = "per-caller";
    private const string TimeoutPolicy = "api";

    public static IHostApplicationBuilder AddClawApi(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection(ApiOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.ConfigureHttpJsonOptions(options => ClawJson.Configure(options.SerializerOptions));
        services.AddClawOpenApi();
        services.AddSingleton<ApiAdmission>();
        services.AddSingleton<IdempotencyClaims>();
        services.AddSingleton<IdempotencyAnswers>();
        services.AddSingleton<AnsweredKeys>();
        // Binding failures throw in every environment, so that the handler can answer them with problem details.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<ApiOptions>>((timeouts, api) => timeouts.AddPolicy(TimeoutPolicy,
            new RequestTimeoutPolicy
            {
                Timeout = TimeSpan.FromSeconds(api.Value.RequestTimeoutSeconds),
                WriteTimeoutResponse = context => ApiResults.Problem(StatusCodes.Status503ServiceUnavailable, "Request timed out",
                    $"The request did not finish within {api.Value.RequestTimeoutSeconds} s and was cancelled; it may or may not have taken effect.")
                    .ExecuteAsync(context),
            }));
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                // The bucket refills continuously (perMinute / 60 tokens a second), so one request's worth is back after
                // 60 / perMinute seconds. The lease's own RetryAfter counts a whole replenishment period (a minute) and
                // would keep an obedient agent waiting for nothing.
                var retryAfter = Math.Max(1, (int)Math.Ceiling(60.0 / RequestsPerMinute(context.HttpContext)));
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await ApiResults.Problem(StatusCodes.Status429TooManyRequests, "Slow down",
                    $"Too many requests from these credentials; try again in {retryAfter} s.").ExecuteAsync(context.HttpContext);
            };
            options.AddPolicy(RateLimitPolicy, context =>
            {
                var caller = context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous";
                var perMinute = RequestsPerMinute(context);
                return RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perMinute,
                    TokensPerPeriod = perMinute,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
        });
        return builder;
    }

    private static int RequestsPerMinute(HttpContext context)
    {
        var limits = context.RequestServices.GetRequiredService<IOptionsMonitor<ApiOptions>>().CurrentValue;
        return context.User.FindFirstValue(ClawClaims.MemberKind) == ClawClaims.Agent ? limits.AgentRequestsPerMinute : limits.HumanRequestsPerMinute;
    }

    public static WebApplication MapClawApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi().AllowAnonymous();
        app.MapClawApiReference().AllowAnonymous();

        var api = app.MapGroup(Prefix)
            .RequireAuthorization(ClawClaims.ApiPolicy)
            .RequireRateLimiting(RateLimitPolicy)
            .AddEndpointFilter<IdempotencyFilter>()
            .AddEndpointFilter<ConcurrencyRetryFilter>()
            .AddEndpointFilter<PersonPresenceFilter>()
            .AddEndpointFilter<RetryAfterFilter>();
        api.WithRequestTimeout(TimeoutPolicy);
        api.MapGroupsApi();
        api.MapMembersApi();
        api.MapWorkItemsApi();
        api.MapGoalsApi();
        api.MapAgentsApi();
        return app;
    }

    /// <summary>A bounded number of API requests at once, the rest in arrival order (<see cref="ApiAdmission"/>).</summary>
    public static IApplicationBuilder UseApiAdmission(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var admission = app.ApplicationServices.GetRequiredService<ApiAdmission>();
        return app.Use(next => context => admission.InvokeAsync(context, next));
    }

    /// <summary>Caps request bodies on the API and the MCP server (413 before reading when the length is known).</summary>
    public static IApplicationBuilder UseApiRequestLimits(this IApplicationBuilder app)
        => app.UseWhen(context => context.Request.Path.StartsWithSegments(Prefix) || context.Request.Path.StartsWithSegments(Mcp.McpHosting.Path),
            api => api.Use(async (context, next) =>
        {
            var limit = context.RequestServices.GetRequiredService<IOptionsMonitor<ApiOptions>>().CurrentValue.MaxRequestBodyBytes;
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }

            if (context.Request.ContentLength > limit)
            {
                await JsonBody.TooLarge(context).ExecuteAsync(context);
                return;
            }

            await next(context);
        }));
}
