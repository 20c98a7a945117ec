using System.Security.Claims;
using System.Text;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Options;
using ClawGroups.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Web.Tests.Api;

public sealed class IdempotencyFilterTests
{
    [Fact]
    public async Task A_request_that_fails_keeps_its_failure_as_the_keys_answer_and_does_not_run_again()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var filter = Filter(database, TimeProvider.System);
        var caller = Guid.NewGuid();
        var runs = 0;

        var failure = await Record.ExceptionAsync(async () => await filter.InvokeAsync(Invocation(caller), _ =>
        {
            runs++;
            throw new InvalidOperationException("the database went away after the commit");
        }));
        var repeat = await filter.InvokeAsync(Invocation(caller), _ =>
        {
            runs++;
            return ValueTask.FromResult<object?>(Results.Ok());
        });

        Assert.IsType<InvalidOperationException>(failure);
        Assert.Equal(1, runs);
        var replay = Assert.IsAssignableFrom<IStatusCodeHttpResult>(repeat);
        Assert.Equal(StatusCodes.Status500InternalServerError, replay.StatusCode);
        await using var context = database.NewContext();
        var stored = await context.IdempotencyRecords.SingleAsync();
        Assert.Contains("Outcome unknown", stored.ResponseBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reservation_whose_request_died_is_taken_over_once_its_lease_has_passed_and_the_repeat_runs()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var lease = IdempotencyFilter.ReservationLease(new ApiOptions());
        var caller = Guid.NewGuid();
        // This very process reserved it (so it counts as alive): only the lease can free it.
        await using var process = await LivenessAsync(database);
        await ReserveAsync(database, caller, reservedAt: DateTimeOffset.UtcNow - lease - TimeSpan.FromSeconds(1), process);
        var runs = 0;

        var repeat = await Filter(database, TimeProvider.System, process).InvokeAsync(Invocation(caller), _ =>
        {
            runs++;
            return ValueTask.FromResult<object?>(TypedResults.Ok(new { done = true }));
        });

        Assert.Equal(1, runs);
        Assert.Equal(StatusCodes.Status200OK, Assert.IsAssignableFrom<IStatusCodeHttpResult>(repeat).StatusCode);
        await using var context = database.NewContext();
        Assert.Equal(StatusCodes.Status200OK, (await context.IdempotencyRecords.SingleAsync()).StatusCode);
    }

    [Fact]
    public async Task A_reservation_within_its_lease_still_answers_in_progress_and_the_repeat_does_not_run()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var caller = Guid.NewGuid();
        await using var process = await LivenessAsync(database);
        await ReserveAsync(database, caller, reservedAt: DateTimeOffset.UtcNow.AddSeconds(-5), process);
        var runs = 0;

        var repeat = await Filter(database, TimeProvider.System, process).InvokeAsync(Invocation(caller), _ =>
        {
            runs++;
            return ValueTask.FromResult<object?>(Results.Ok());
        });

        Assert.Equal(0, runs);
        Assert.Equal(StatusCodes.Status409Conflict, Assert.IsAssignableFrom<IStatusCodeHttpResult>(repeat).StatusCode);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_reservation_whose_process_is_gone_is_taken_over_at_once_and_the_repeat_runs(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var caller = Guid.NewGuid();
        await using (var crashed = await LivenessAsync(database))
        {
            await ReserveAsync(database, caller, reservedAt: DateTimeOffset.UtcNow, crashed);
        }

        await using var restarted = await LivenessAsync(database);
        var runs = 0;
        var repeat = await Filter(database, TimeProvider.System, restarted).InvokeAsync(Invocation(caller), _ =>
        {
            runs++;
            return ValueTask.FromResult<object?>(Results.Ok());
        });

        Assert.Equal(1, runs);
        Assert.Equal(StatusCodes.Status200OK, Assert.IsAssignableFrom<IStatusCodeHttpResult>(repeat).StatusCode);
    }

    [Fact]
    public async Task A_reservation_of_another_process_that_is_alive_still_answers_in_progress()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
        var caller = Guid.NewGuid();
        await using var otherNode = await LivenessAsync(database);
        await ReserveAsync(database, caller, reservedAt: DateTimeOffset.UtcNow, otherNode);
        await using var thisNode = await LivenessAsync(database);
        var runs = 0;

        var repeat = await Filter(database, TimeProvider.System, thisNode).InvokeAsync(Invocation(caller), _ =>
        {
            runs++;
            return ValueTask.FromResult<object?>(Results.Ok());
        });

        Assert.Equal(0, runs);
        Assert.Equal(StatusCodes.Status409Conflict, Assert.IsAssignableFrom<IStatusCodeHttpResult>(repeat).StatusCode);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_new_keys_reservation_written_in_one_statement_reads_back_as_the_model_stores_it(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var caller = Guid.NewGuid();
        var reservedAt = new DateTimeOffset(2026, 12, 3, 7, 15, 30, 123, TimeSpan.Zero);
        await using var process = await LivenessAsync(database);

        await ReserveAsync(database, caller, reservedAt, process);

        await using var context = database.NewContext();
        var stored = await context.IdempotencyRecords.SingleAsync(r => r.CallerId == caller && r.Key == "key-1" && r.CreatedAt == reservedAt);
        Assert.Equal((HttpMethods.Post, "/api/v1/work-items/x/progress", 0, process.Key), (stored.Method, stored.Path, stored.StatusCode, stored.ReservedBy));
        Assert.Null(stored.ResponseBody);
    }

    [Fact]
    public async Task A_repeated_edit_with_the_same_key_gets_the_first_answer_and_does_not_run_again()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var filter = Filter(database, TimeProvider.System);
        var caller = Guid.NewGuid();
        var runs = 0;
        ValueTask<object?> Edit(EndpointFilterInvocationContext _)
        {
            runs++;
            return ValueTask.FromResult<object?>(TypedResults.Ok(new { edited = runs }));
        }

        await filter.InvokeAsync(Invocation(caller, HttpMethods.Patch), Edit);
        var repeat = await filter.InvokeAsync(Invocation(caller, HttpMethods.Patch), Edit);

        Assert.Equal(1, runs);
        Assert.Equal(StatusCodes.Status200OK, Assert.IsAssignableFrom<IStatusCodeHttpResult>(repeat).StatusCode);
    }

    private static IdempotencyFilter Filter(TestDatabase database, TimeProvider time, ProcessLiveness? liveness = null)
        => new(new Factory(database), liveness ?? new ProcessLiveness(Options(database)), new FixedOptionsMonitor<ApiOptions>(new ApiOptions()), time);

    private static ClawDatabaseOptions Options(TestDatabase database)
        => new() { Provider = database.Provider, ConnectionString = database.ConnectionString };

    /// <summary>A process as the app starts it: holding its liveness lock.</summary>
    private static async Task<ProcessLiveness> LivenessAsync(TestDatabase database)
    {
        var liveness = new ProcessLiveness(Options(database));
        await liveness.HoldAsync(CancellationToken.None);
        return liveness;
    }

    /// <summary>What a request leaves behind when its process dies between reserving the key and answering.</summary>
    private static async Task ReserveAsync(TestDatabase database, Guid caller, DateTimeOffset reservedAt, ProcessLiveness? owner = null)
    {
        var filter = Filter(database, new StoppedClock(reservedAt), owner);
        var reserved = new TaskCompletionSource();
        var neverAnswers = new TaskCompletionSource<object?>();
        _ = filter.InvokeAsync(Invocation(caller), _ =>
        {
            reserved.SetResult();
            return new ValueTask<object?>(neverAnswers.Task);
        }).AsTask();
        await reserved.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private sealed class StoppedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static DefaultEndpointFilterInvocationContext Invocation(Guid caller, string method = "POST")
    {
        var http = new DefaultHttpContext
        {
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, caller.ToString())], "test")),
            // The filter stores answers written with the host's JSON options.
            RequestServices = new ServiceCollection().AddOptions().BuildServiceProvider(),
        };
        http.Request.Method = method;
        http.Request.Path = "/api/v1/work-items/x/progress";
        http.Request.Headers[IdempotencyFilter.HeaderName] = "key-1";
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("""{"fraction":0.5}"""));
        return new DefaultEndpointFilterInvocationContext(http);
    }

    private sealed class Factory(TestDatabase database) : IDbContextFactory<ClawDbContext>
    {
        public ClawDbContext CreateDbContext() => database.NewContext();
    }
}
