using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Jobs;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.Storage;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Tests.Jobs;

/// <summary>The recurring feedback job, registered on Hangfire's own storage at start-up.</summary>
public sealed class FeedbackScheduleTests : IDisposable
{
    private readonly InMemoryStorage _storage = new();

    [Fact]
    public async Task The_feedback_job_is_registered_with_the_configured_cron_in_utc()
    {
        await Schedule("30 2 * * *").StartAsync(CancellationToken.None);

        using var connection = _storage.GetConnection();
        var job = Assert.Single(connection.GetRecurringJobs(), j => j.Id == SkillFeedbackJob.RecurringJobId);
        Assert.Equal("30 2 * * *", job.Cron);
        Assert.Equal("UTC", job.TimeZoneId);
    }

    [Fact]
    public async Task A_cron_that_does_not_parse_stops_start_up_naming_the_setting()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Schedule("every hour").StartAsync(CancellationToken.None));

        Assert.Contains("ClawGroups:Coordinator:FeedbackCron 'every hour'", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _storage.Dispose();

    private FeedbackSchedule Schedule(string cron) =>
        new(new RecurringJobManager(_storage), Options.Create(new CoordinatorOptions { FeedbackCron = cron }));
}
