using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Cluster;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Jobs;
using ClawGroups.Coordinator.Learning;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.Stalls;
using ClawGroups.Coordinator.Tests.Webhooks;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Inference.Lexical;
using ClawGroups.Inference.Skills;
using ClawGroups.Testing.Options;
using Hangfire;
using Hangfire.Common;
using Hangfire.InMemory;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Tests.Jobs;

/// <summary>
/// The sweep gives a delivery whose job was lost (a crash, in-memory storage restarted, a job an older version enqueued
/// under another class's name) a job again; one in flight it leaves to its worker.
/// </summary>
public sealed class SweepJobTests
{
    [Fact]
    public async Task A_due_message_whose_delivery_job_was_lost_gets_a_delivery_job_from_the_sweep()
    {
        using var scene = await WebhookScene.CreateAsync(DatabaseProvider.Sqlite, new WebhookOptions());
        var messageId = (await scene.SeedAsync(1)).MessageIds[0];
        var jobs = new RecordingJobs();

        await SweepAsync(scene, jobs);

        var (job, state) = Assert.Single(jobs.Created);
        Assert.IsType<EnqueuedState>(state);
        Assert.Equal(typeof(WebhookDeliveryJob), job.Type);
        Assert.Equal(nameof(WebhookDeliveryJob.DeliverAsync), job.Method.Name);
        Assert.Equal(messageId, job.Args[0]);
    }

    [Fact]
    public async Task A_message_claimed_by_a_delivery_in_flight_is_left_to_it()
    {
        using var scene = await WebhookScene.CreateAsync(DatabaseProvider.Sqlite, new WebhookOptions());
        await scene.SeedAsync(1);
        await using (var context = scene.NewContext())
        {
            var lockedUntil = scene.Time.GetUtcNow().AddMinutes(1);
            await context.OutboxMessages.ExecuteUpdateAsync(set => set.SetProperty(m => m.LockedUntil, lockedUntil));
        }

        var jobs = new RecordingJobs();

        await SweepAsync(scene, jobs);

        Assert.Empty(jobs.Created);
    }

    [Fact]
    public async Task While_delivery_jobs_wait_in_the_webhooks_queue_the_sweep_adds_none()
    {
        using var scene = await WebhookScene.CreateAsync(DatabaseProvider.Sqlite, new WebhookOptions());
        await scene.SeedAsync(3);
        using var storage = new InMemoryStorage();
        new BackgroundJobClient(storage).Create(Job.FromExpression<WebhookDeliveryJob>(j => j.DeliverAsync(Guid.Empty, CancellationToken.None)),
            new EnqueuedState(JobQueues.Webhooks));
        var jobs = new RecordingJobs();

        await SweepAsync(scene, jobs, storage);

        Assert.Empty(jobs.Created);
    }

    /// <summary>The sweep as Hangfire's activator builds it in the job's scope; the scene has no group with work to assign.</summary>
    private static async Task SweepAsync(WebhookScene scene, RecordingJobs jobs, JobStorage? storage = null)
    {
        using var emptyStorage = new InMemoryStorage();
        await using var context = scene.NewContext();
        var lifecycle = new WorkItemLifecycle(context, scene.Time, NoWorkSignals.Instance);
        var options = new FixedOptionsMonitor<CoordinatorOptions>(new CoordinatorOptions());
        var bulkheads = new Bulkheads(scene.Time, NullLogger<Bulkheads>.Instance);
        var stallSweep = new StallSweep(context, lifecycle, bulkheads, new ProcessStart(scene.Time.GetUtcNow().AddHours(-1)), options, scene.Time,
            NullLogger<StallSweep>.Instance);
        var reviewerPass = new ReviewerPass(
            context, lifecycle, new GroupSkillModels(new SkillModels(new LexicalSkillModel()), NullLogger<GroupSkillModels>.Instance), new AgentSkillCache(), options, scene.Time);
        await using var passScopes = new ServiceCollection().BuildServiceProvider();
        var passes = new GroupPasses(
            passScopes.GetRequiredService<IServiceScopeFactory>(), new GroupPassTurns(), new GroupPassLock(Options.Create(new ClawDatabaseOptions()), NullLogger<GroupPassLock>.Instance), bulkheads);

        var personOfferSweep = new PersonOfferSweep(context, lifecycle, options, scene.Time);
        await new SweepJob(context, stallSweep, personOfferSweep, reviewerPass, passes, jobs, storage ?? emptyStorage, bulkheads, scene.Time).RunAsync(CancellationToken.None);
    }
}
