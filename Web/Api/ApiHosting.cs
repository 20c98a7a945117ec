using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using ClawGroups.Coordinator.Access;
using ClawGroups.Web.Accounts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace ClawGroups.Web.Api;

/// <summary>The REST API of ../shared/API.md: JSON conventions, limits, OpenAPI, and the route table.</summary>
public static class ApiHosting
{
    public const string Prefix = "/api/v1";
    private const string RateLimitPolicy = "per-caller";

    public static IHostApplicationBuilder AddClawApi(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection(ApiOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.ConfigureHttpJsonOptions(options => ClawJson.Configure(options.SerializerOptions));
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Claw Groups API";
            document.Info.Description = "Groups, work items and agents. Humans use a personal access token or the bootstrap token; " +
                                        "agents register with a join token and then use their API key (Authorization: Bearer …).";
            return Task.CompletedTask;
        }));
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                await ApiResults.Problem(StatusCodes.Status429TooManyRequests, "Slow down",
                    "Too many requests from these credentials; wait for Retry-After seconds.").ExecuteAsync(context.HttpContext);
            };
            options.AddPolicy(RateLimitPolicy, context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptionsMonitor<ApiOptions>>().CurrentValue;
                var isAgent = context.User.FindFirstValue(ClawClaims.MemberKind) == ClawClaims.Agent;
                var caller = context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous";
                var perMinute = isAgent ? limits.AgentRequestsPerMinute : limits.HumanRequestsPerMinute;
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

    public static WebApplication MapClawApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(options => options.WithTitle("Claw Groups API")).AllowAnonymous();

        var api = app.MapGroup(Prefix)
            .RequireAuthorization(ClawClaims.ApiPolicy)
            .RequireRateLimiting(RateLimitPolicy)
            .AddEndpointFilter<IdempotencyFilter>()
            .AddEndpointFilter<ConcurrencyRetryFilter>();
        api.MapGroupsApi();
        api.MapWorkItemsApi();
        api.MapAgentsApi();
        return app;
    }

    /// <summary>Caps request bodies on the API (413 before reading when the length is known).</summary>
    public static IApplicationBuilder UseApiRequestLimits(this IApplicationBuilder app)
        => app.UseWhen(context => context.Request.Path.StartsWithSegments(Prefix), api => api.Use(async (context, next) =>
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
