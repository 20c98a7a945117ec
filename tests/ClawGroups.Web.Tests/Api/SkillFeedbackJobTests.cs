using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Coordinator.Jobs;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Waiting;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Web.Tests.Api;

/// <summary>The coordinator's recurring feedback to the model, end to end: agents finish work, the job tunes the group's head.</summary>
[Collection(WebTestCollection.Name)]
public sealed class SkillFeedbackJobTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
    {
        ["ClawGroups:Coordinator:FeedbackMinExamples"] = "4",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_feedback_job_is_scheduled_and_tunes_a_group_whose_agents_finished_work()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        await scenario.StartAgentAsync("ledger", SkillProfiles.Accounting, AgentDelivery.Pull);
        await scenario.StartAgentAsync("pixel", SkillProfiles.Frontend, AgentDelivery.Pull);
        string[] titles =
        [
            "Reconcile the March bank statement", "Chase the invoices that are 30 days overdue", "Post the payroll journal entries",
            "The checkout button overlaps the footer on phones", "Make the sign-up form keyboard accessible", "Fix the dark mode colours of the sidebar",
        ];
        foreach (var title in titles)
        {
            var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem(title));
            await scenario.WaitForStateAsync(item.Id, WorkItemStates.Done, Deadline);
        }

        var recurring = _app.Services.GetRequiredService<JobStorage>().GetConnection().GetRecurringJobs();
        _app.Services.GetRequiredService<IRecurringJobManager>().Trigger(SkillFeedbackJob.RecurringJobId);

        var groupId = Guid.Parse(scenario.Group.Id);
        // A tuning row alone is not the answer: when the hour's own run lands while the items are still being worked (a test
        // running across the top of the hour), it writes the group's row with its watermark and no head. The triggered run
        // reads the whole history again and tunes.
        var tuning = await Eventually.ReachAsync(
            () => ReadAsync(context => context.GroupSkillTunings.AsNoTracking().FirstOrDefaultAsync(t => t.GroupId == groupId)),
            t => t is { Head: not null }, "the group's tuned head", Deadline);
        Assert.Equal("0 * * * *", Assert.Single(recurring, j => j.Id == SkillFeedbackJob.RecurringJobId).Cron);
        Assert.Equal(titles.Length, tuning!.Examples);
        Assert.Equal(2, tuning.Members);
        Assert.NotNull(tuning.Head);
        Assert.NotNull(tuning.DurationErrorBefore);
        var tunedEvents = await ReadAsync(context => context.TrailEvents.CountAsync(e => e.GroupId == groupId && e.Type == TrailEventTypes.ModelTuned.Name));
        Assert.Equal(1, tunedEvents);
    }

    private async Task<T> ReadAsync<T>(Func<ClawDbContext, Task<T>> read)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<ClawDbContext>());
    }
}
