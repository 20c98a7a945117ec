using ClawGroups.Coordinator.Live;
using ClawGroups.Data.Accounts;
using ClawGroups.Data.Database;
using ClawGroups.Web.A2a;
using ClawGroups.Web.Accounts;
using ClawGroups.Web.Api;
using ClawGroups.Web.Components;
using ClawGroups.Web.Health;
using ClawGroups.Web.Live;
using ClawGroups.Web.Mcp;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using MudBlazor.Services;

namespace ClawGroups.Web.Hosting;

public static class WebHostingExtensions
{
    /// <summary>The scheme that picks bearer tokens for API clients and the sign-in cookie for browsers.</summary>
    private const string SelectorScheme = "ClawGroups";

    public const string JobsDashboardPath = "/hangfire";

    /// <summary>Registers the web part: accounts and authentication, the workspace UI, health checks.</summary>
    public static IHostApplicationBuilder AddClawWeb(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddOptions<ClawGroupsOptions>()
            .Bind(builder.Configuration.GetSection(ClawGroupsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddProblemDetails();
        builder.AddClawDataProtection();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = SelectorScheme;
                options.DefaultChallengeScheme = SelectorScheme;
            })
            .AddPolicyScheme(SelectorScheme, "Bearer token or sign-in cookie", options =>
                options.ForwardDefaultSelector = context => BearerTokenAuthenticationHandler.BearerToken(context.Request) is null
                    ? IdentityConstants.ApplicationScheme
                    : BearerTokenAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BearerTokenAuthenticationHandler>(
                BearerTokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        // Pages with [Authorize] are checked before the router runs: the cookie's challenge must go to our sign-in page.
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = AccountEndpoints.SignInPath;
            options.AccessDeniedPath = AccountEndpoints.AccessDeniedPath;
            options.ReturnUrlParameter = "returnUrl";
        });
        services.AddIdentityCore<ClawUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 10;
                options.Password.RequireNonAlphanumeric = false;
            })
            .AddEntityFrameworkStores<ClawDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<ClawUserClaimsPrincipalFactory>();
        services.AddAuthorizationBuilder()
            .AddPolicy(ClawClaims.InstanceOwnerPolicy, policy => policy.RequireClaim(ClawClaims.InstanceOwner, "true"))
            .AddPolicy(ClawClaims.ApiPolicy, policy => policy
                .AddAuthenticationSchemes(BearerTokenAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser());
        builder.AddClawApi();
        builder.AddClawMcp();
        services.AddCascadingAuthenticationState();
        services.AddScoped<Components.Workspace.WorkspaceSession>();
        services.AddScoped<Components.Workspace.WorkItemCommands>();
        services.AddSingleton<Components.Workspace.SharedGroups>();
        services.AddScoped<Components.Workspace.LiveGroup>();
        services.AddScoped<Components.Shared.CircuitClock>();
        services.AddSingleton<OpenCircuits>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, PresenceCircuitHandler>();
        services.AddScoped<Components.Board.WorkItemActionRunner>();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddSignalR();
        services.AddSingleton<HubFollowers>();
        services.AddSingleton<ILiveSink, GroupHubSink>();
        // Messages at the bottom: at the top they would cover the drawer's title and actions.
        services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomLeft);

        services.AddHealthChecks().AddDbContextCheck<ClawDbContext>("database", tags: ["ready"]);
        return builder;
    }

    /// <summary>Maps the web part's endpoints: health, the jobs dashboard (owners only), the workspace.</summary>
    public static WebApplication MapClawWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Problem details in every environment: a client never sees a stack trace.
        app.UseExceptionHandler();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseStatusCodePages();
        app.UseDatabaseServerTiming();
        app.UseApiRequestLimits();
        // Before the credentials are read: a request waiting its turn has cost the node nothing yet.
        app.UseApiAdmission();
        app.UseMcpOriginCheck();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseRequestTimeouts();
        app.UseAntiforgery();

        app.MapClawHealth();
        app.MapClawApi();
        app.MapClawMcp();
        app.MapGroupA2a();
        app.MapAccountEndpoints();
        app.MapA2aPush();
        // Hangfire's own filter allows local requests only; the owner policy replaces it.
        app.MapHangfireDashboard(JobsDashboardPath, new DashboardOptions { Authorization = [], AppPath = "/", DashboardTitle = "Claw Groups jobs" })
            .RequireAuthorization(ClawClaims.InstanceOwnerPolicy);
        // A revoked token or a removed member must not keep a stream open: connections close when their
        // authentication expires, and the client's reconnect is authorized afresh.
        app.MapHub<GroupsHub>(GroupsHub.Path, options => options.CloseOnAuthenticationExpiration = true);
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
