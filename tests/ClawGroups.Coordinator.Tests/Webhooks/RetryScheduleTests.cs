using System.Data.Common;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ClawGroups.Coordinator.Tests.Webhooks;

/// <summary>
/// A failed delivery is tried again after the documented backoff (WebhookOptions: the first retry after about the base
/// delay, each later one twice as long, with equal jitter, up to the maximum; MaxAttempts tries in all), and nothing on
/// the way (a save that fails once, a job that runs a moment early) leaves the message to wait for the sweep.
/// </summary>
public sealed class RetryScheduleTests
{
    private static readonly WebhookOptions Options = new()
    {
        MaxAttempts = 6, RetryBaseDelaySeconds = 2, RetryMaxDelaySeconds = 10, UnreachableAfterFailures = 100,
    };

    // PostgreSQL keeps microseconds, so a due time read back may differ from the one computed by less than this.
    private static readonly TimeSpan Stored = TimeSpan.FromMilliseconds(1);

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Each_retry_waits_twice_as_long_as_the_one_before_with_jitter_up_to_the_maximum_and_the_last_gives_up(DatabaseProvider provider)
    {
        using var scene = await WebhookScene.CreateAsync(provider, Options);
        var messageId = (await scene.SeedAsync(1)).MessageIds[0];

        for (var attempt = 1; attempt < Options.MaxAttempts; attempt++)
        {
            var triedAt = scene.Time.GetUtcNow();
            var due = await scene.DeliverAsync(messageId);

            var full = Math.Min(Options.RetryMaxDelaySeconds, Options.RetryBaseDelaySeconds * Math.Pow(2, attempt - 1));
            Assert.NotNull(due);
            Assert.InRange(due.Value - triedAt, TimeSpan.FromSeconds(full / 2), TimeSpan.FromSeconds(full));
            scene.Time.Set(due.Value + Stored);
        }

        Assert.Null(await scene.DeliverAsync(messageId));
        await using var reader = scene.NewContext();
        var message = await reader.OutboxMessages.Include(m => m.DeliveryAttempts).SingleAsync();
        Assert.Equal(Options.MaxAttempts, message.Attempts);
        Assert.Equal(Options.MaxAttempts, message.DeliveryAttempts.Count);
        Assert.NotNull(message.GaveUpAt);
        Assert.Null(message.DueAt);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_delivery_whose_save_fails_once_still_records_its_attempt_and_is_due_again_on_the_backoff_schedule(DatabaseProvider provider)
    {
        using var scene = await WebhookScene.CreateAsync(provider, Options);
        var messageId = (await scene.SeedAsync(1)).MessageIds[0];
        var start = scene.Time.GetUtcNow();
        var failOnce = new FailFirstAttemptInsert();

        var due = await scene.DeliverAsync(messageId, failOnce);

        Assert.True(failOnce.Failed, "the first save of the attempt failed");
        Assert.NotNull(due);
        Assert.InRange(due.Value, start.AddSeconds(1), start.AddSeconds(2));
        await using var reader = scene.NewContext();
        var message = await reader.OutboxMessages.Include(m => m.DeliveryAttempts).SingleAsync();
        Assert.Equal(1, message.Attempts);
        Assert.Single(message.DeliveryAttempts);
        Assert.Null(message.LockedUntil);
        Assert.InRange(message.DueAt!.Value - due.Value, -Stored, Stored);
        Assert.Equal(1, (await reader.Agents.SingleAsync()).ConsecutiveDeliveryFailures);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_job_that_runs_a_moment_before_the_retry_is_due_hands_the_due_time_back_instead_of_dropping_the_retry(DatabaseProvider provider)
    {
        using var scene = await WebhookScene.CreateAsync(provider, Options);
        var messageId = (await scene.SeedAsync(1)).MessageIds[0];
        var due = (await scene.DeliverAsync(messageId))!.Value;
        scene.Time.Set(due - TimeSpan.FromMilliseconds(300));

        var again = await scene.DeliverAsync(messageId);

        Assert.NotNull(again);
        Assert.InRange(again.Value - due, -Stored, Stored);
        Assert.Equal(1, scene.Endpoint.Received);
        await using var reader = scene.NewContext();
        Assert.Equal(1, (await reader.OutboxMessages.SingleAsync()).Attempts);
    }

    /// <summary>The database refuses the first write of a delivery attempt, as a dropped connection or a failover does.</summary>
    private sealed class FailFirstAttemptInsert : DbCommandInterceptor
    {
        public bool Failed { get; private set; }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            FailOnce(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            FailOnce(command);
            return ValueTask.FromResult(result);
        }

        private void FailOnce(DbCommand command)
        {
            if (!Failed && command.CommandText.Contains("INSERT INTO \"DeliveryAttempts\"", StringComparison.Ordinal))
            {
                Failed = true;
                throw new InjectedDatabaseError();
            }
        }
    }

    private sealed class InjectedDatabaseError() : DbException("The connection was closed while the command ran (injected by the test).");
}
