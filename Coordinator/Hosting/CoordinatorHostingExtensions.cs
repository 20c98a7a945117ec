using ClawGroups.Coordinator.A2a;
using ClawGroups.Coordinator.Accounts;
using ClawGroups.Coordinator.Agents;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Cluster;
using ClawGroups.Coordinator.Credentials;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.Insights;
using ClawGroups.Coordinator.Jobs;
using ClawGroups.Coordinator.Learning;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.Stalls;
using ClawGroups.Coordinator.UsageTotals;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Inference.Lexical;
using ClawGroups.Inference.Skills;
using Hangfire;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Hosting;

public static class CoordinatorHostingExtensions
{
    public const string JobSystemHealthCheckName = "jobs";
    public const string BackgroundWorkHealthCheckName = "backgroundWork";

    /// <summary>
    /// Registers the coordinator: its options, the Hangfire job system on the storage that matches the database,
    /// and (unless turned off) a Hangfire server in this process. Call after <c>AddClawData</c>.
    /// </summary>
    public static IHostApplicationBuilder AddCoordinator(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<CoordinatorOptions>()
            .Bind(builder.Configuration.GetSection(CoordinatorOptions.SectionName))
            .ValidateDataAnnotations()
            // Data annotations do not look into the subsection; its ranges are checked the same way here.
            .Validate(o => System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
                o.Breakers, new System.ComponentModel.DataAnnotations.ValidationContext(o.Breakers), null, validateAllProperties: true),
                "ClawGroups:Coordinator:Breakers has a value out of range.")
            .ValidateOnStart();
        builder.Services.AddOptions<JobSystemOptions>()
            .Bind(builder.Configuration.GetSection(JobSystemOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddHangfire((services, configuration) => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseClawJobStorage(
                services.GetRequiredService<IOptions<ClawDatabaseOptions>>().Value,
                services.GetRequiredService<IOptions<JobSystemOptions>>().Value));

        var jobs = builder.Configuration.GetSection(JobSystemOptions.SectionName).Get<JobSystemOptions>() ?? new JobSystemOptions();
        if (jobs.RunServer)
        {
            builder.Services.AddHangfireServer((services, server) =>
            {
                var options = services.GetRequiredService<IOptions<JobSystemOptions>>().Value;
                server.WorkerCount = options.WorkerCount;
                server.Queues = JobQueues.All;
                server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            });
        }

        builder.Services.AddOptions<WebhookOptions>()
            .Bind(builder.Configuration.GetSection(WebhookOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<A2aOptions>()
            .Bind(builder.Configuration.GetSection(A2aOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        AddWorkServices(builder.Services);
        AddClusterBus(builder);
        if (jobs.RunServer)
        {
            builder.Services.AddHostedService<SweepScheduler>();
            builder.Services.AddHostedService<FeedbackSchedule>();
        }

        builder.Services.AddHealthChecks()
            .AddCheck<JobSystemHealthCheck>(JobSystemHealthCheckName, HealthStatus.Unhealthy, ["ready"])
            .AddCheck<BulkheadHealthCheck>(BackgroundWorkHealthCheckName, HealthStatus.Degraded);
        return builder;
    }

    /// <summary>On PostgreSQL, nodes tell each other their news through the database; SQLite is one node by design.</summary>
    private static void AddClusterBus(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<ClusterNode>();
        var database = builder.Configuration.GetSection(ClawDatabaseOptions.SectionName).Get<ClawDatabaseOptions>() ?? new ClawDatabaseOptions();
        if (database.Provider != DatabaseProvider.Postgres)
        {
            services.AddSingleton<IClusterBus, SingleNodeBus>();
            return;
        }

        services.AddSingleton<PostgresClusterBus>();
        services.AddSingleton<IClusterBus>(provider => provider.GetRequiredService<PostgresClusterBus>());
        services.AddHostedService(provider => provider.GetRequiredService<PostgresClusterBus>());
        services.AddHostedService<PostgresClusterListener>();
    }

    private static void AddWorkServices(IServiceCollection services)
    {
        services.TryAddSingleton<ISkillModel, LexicalSkillModel>();
        services.TryAddSingleton(provider => new SkillModels(provider.GetRequiredService<ISkillModel>()));
        services.AddSingleton<GroupSkillModels>();
        services.AddSingleton<ContenderCache>();
        services.AddSingleton<AgentSkillCache>();
        services.AddSingleton<GroupPassTurns>();
        services.AddSingleton<GroupPassLock>();
        services.AddSingleton<Bulkheads>();
        services.AddSingleton(provider => new ProcessStart(provider.GetRequiredService<TimeProvider>().GetUtcNow()));
        services.AddSingleton<ReadyItems>();
        services.AddSingleton<TrackRecordCache>();
        services.AddScoped<SkillFeedback>();
        services.AddSingleton<AgentWaiters>();
        services.AddSingleton<SignsOfLife>();
        services.AddSingleton<SignsOfLifeWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<SignsOfLifeWriter>());
        services.AddSingleton<AgentKeyCache>();
        services.AddSingleton<WrittenTextReader>();
        services.AddHostedService(provider => provider.GetRequiredService<WrittenTextReader>());
        services.AddSingleton<IWorkSignals, HangfireWorkSignals>();
        services.AddSingleton<GroupPasses>();
        // The jobs: Hangfire's activator resolves each from a scope of its own, one unit of work per job.
        services.AddScoped<AssignmentPassJob>();
        services.AddScoped<WebhookDeliveryJob>();
        services.AddScoped<SweepJob>();
        services.AddScoped<SkillFeedbackJob>();
        services.AddScoped<TuneGroupJob>();
        services.AddSingleton<WebhookUrlPolicy>();
        services.AddSingleton<WebhookSecrets>();
        services.AddScoped<WorkItemLifecycle>();
        services.AddScoped<GroupService>();
        services.AddScoped<InviteService>();
        services.AddScoped<AccessTokenService>();
        services.AddScoped<WorkItemService>();
        services.AddScoped<HumanWorkService>();
        services.AddScoped<Goals.GoalPlanService>();
        services.AddScoped<Breakers.CreationBreaker>();
        services.AddScoped<Goals.GoalDecisionService>();
        services.AddScoped<AgentRegistrationService>();
        services.AddScoped<AgentPresenceService>();
        services.AddScoped<AgentWorkService>();
        services.AddScoped<AssignmentPass>();
        services.AddScoped<StallSweep>();
        services.AddScoped<PersonOfferSweep>();
        services.AddScoped<ReviewerPass>();
        services.AddScoped<UsageService>();
        services.AddScoped<Budgets.BudgetGate>();
        services.AddScoped<PresenceService>();
        services.AddScoped<PersonProfileService>();
        services.AddScoped<GroupInsightsService>();
        services.AddScoped<SpendInsightsService>();
        services.AddSingleton<GroupFeed>();
        services.AddSingleton<ILiveSink>(provider => provider.GetRequiredService<GroupFeed>());
        services.AddSingleton<LiveChanges>();
        services.AddSingleton<LiveChangeCapture>();
        services.AddSingleton<IInterceptor>(provider => provider.GetRequiredService<LiveChangeCapture>());
        services.AddSingleton<IInterceptor, LiveChangeCommitWatch>();
        services.AddHostedService<LiveUpdatePump>();
        services.AddScoped<WebhookDelivery>();
        services.AddScoped<UnreachableAgents>();
        services.AddScoped<A2aCardSource>();
        services.AddScoped<A2aJsonRpcClient>();
        services.AddScoped<A2aDispatch>();
        services.AddScoped<A2aTaskSync>();
        services.AddScoped<A2aTaskJob>();
        services.AddScoped<A2aPushReceiver>();
        services.AddHttpClient(WebhookDelivery.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider => WebhookHttpHandler.Create(provider.GetRequiredService<WebhookUrlPolicy>()));
        services.AddGroupA2a();
    }
}
