using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using ClawGroups.Data.Database;
using ClawGroups.Data.Idempotency;
using ClawGroups.Testing.Databases;
using ClawGroups.Testing.Options;
using ClawGroups.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClawGroups.Web.Tests.Api;

public sealed class IdempotencyFilterTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_request_that_fails_keeps_its_failure_as_the_keys_answer_and_does_not_run_again(bool keysLoaded)
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var filter = Filter(database, TimeProvider.System, keys: await AnsweredKeysAsync(database, keysLoaded));
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
        // Reservations are rows where several processes share the database (PostgreSQL).
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
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
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
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
    [InlineData(DatabaseProvider.Sqlite, false)]
    [InlineData(DatabaseProvider.Sqlite, true)]
    [InlineData(DatabaseProvider.Postgres, false)]
    public async Task A_reservation_whose_process_is_gone_is_taken_over_at_once_and_the_repeat_runs(DatabaseProvider provider, bool keysLoaded)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var caller = Guid.NewGuid();
        await using (var crashed = await LivenessAsync(database))
        {
            // On SQLite a reservation row is what a version before in-memory claims left behind.
            await LeftBehindAsync(database, caller, reservedAt: DateTimeOffset.UtcNow, crashed);
        }

        // Restarted: the answered keys are loaded after the row was left, as the app loads them after start-up.
        await using var restarted = await LivenessAsync(database);
        var keys = await AnsweredKeysAsync(database, keysLoaded);
        var runs = 0;
        var repeat = await Filter(database, TimeProvider.System, restarted, keys: keys).InvokeAsync(Invocation(caller), _ =>
        {
            runs++;
            return ValueTask.FromResult<object?>(Results.Ok());
        });

        Assert.Equal(1, runs);
        Assert.Equal(StatusCodes.Status200OK, Assert.IsAssignableFrom<IStatusCodeHttpResult>(repeat).StatusCode);
        // The row became the repeat's answer: a request that had not looked at it would have left it "in progress".
        await using var context = database.NewContext();
        Assert.Equal(StatusCodes.Status200OK, (await context.IdempotencyRecords.SingleAsync()).StatusCode);
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

    [Fact]
    public async Task A_new_keys_reservation_written_in_one_statement_reads_back_as_the_model_stores_it()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Postgres);
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
    public async Task On_the_embedded_database_a_keyed_request_writes_its_key_once_with_its_answer()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var answeredAt = new DateTimeOffset(2026, 12, 3, 14, 45, 10, 250, TimeSpan.Zero);
        var filter = Filter(database, new StoppedClock(answeredAt));
        var caller = Guid.NewGuid();
        var rowsWhileRunning = -1;

        var answer = await filter.InvokeAsync(Invocation(caller), async _ =>
        {
            await using var context = database.NewContext();
            rowsWhileRunning = await context.IdempotencyRecords.CountAsync();
            return TypedResults.Ok(new { done = true });
        });

        Assert.Equal(0, rowsWhileRunning); // claimed in memory: no reservation row, no turn at the one writer
        Assert.Equal(StatusCodes.Status200OK, Assert.IsAssignableFrom<IStatusCodeHttpResult>(answer).StatusCode);
        await using var reader = database.NewContext();
        var stored = await reader.IdempotencyRecords.SingleAsync(r => r.CallerId == caller && r.Key == "key-1" && r.CreatedAt == answeredAt);
        Assert.Equal((HttpMethods.Post, "/api/v1/work-items/x/progress", StatusCodes.Status200OK, "application/json"),
            (stored.Method, stored.Path, stored.StatusCode, stored.ContentType));
        Assert.Equal("""{"done":true}""", stored.ResponseBody);
    }

    [Fact]
    public async Task On_the_embedded_database_a_repeat_while_the_first_runs_answers_in_progress_and_does_not_run()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var claims = new IdempotencyClaims();
        var caller = Guid.NewGuid();
        var started = new TaskCompletionSource();
        var finish = new TaskCompletionSource<object?>();
        var runs = 0;
        var first = Filter(database, TimeProvider.System, claims: claims).InvokeAsync(Invocation(caller), _ =>
        {
            runs++;
            started.SetResult();
            return new ValueTask<object?>(finish.Task);
        }).AsTask();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        ValueTask<object?> Repeat(EndpointFilterInvocationContext _)
        {
            runs++;
            return ValueTask.FromResult<object?>(Results.Ok());
        }

        var whileRunning = await Filter(database, TimeProvider.System, claims: claims).InvokeAsync(Invocation(caller), Repeat);
        var otherBody = await Filter(database, TimeProvider.System, claims: claims).InvokeAsync(Invocation(caller, body: """{"fraction":0.9}"""), Repeat);
        finish.SetResult(TypedResults.Ok(new { first = true }));
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        var afterwards = await Filter(database, TimeProvider.System, claims: claims).InvokeAsync(Invocation(caller), Repeat);

        Assert.Equal(1, runs);
        Assert.Equal(StatusCodes.Status409Conflict, Assert.IsAssignableFrom<IStatusCodeHttpResult>(whileRunning).StatusCode);
        Assert.Equal(StatusCodes.Status422UnprocessableEntity, Assert.IsAssignableFrom<IStatusCodeHttpResult>(otherBody).StatusCode);
        Assert.Equal(StatusCodes.Status200OK, Assert.IsAssignableFrom<IStatusCodeHttpResult>(afterwards).StatusCode);
        Assert.Equal("""{"first":true}""", await BodyOfAsync(afterwards));
    }

    [Fact]
    public async Task A_keyed_200_goes_out_as_the_text_stored_for_its_key_the_bytes_the_result_would_write_and_a_repeat_gets()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var filter = Filter(database, TimeProvider.System);
        var caller = Guid.NewGuid();
        var value = new { title = "Tidy → the docs", fraction = 0.5, tags = new[] { "docs" } };
        var endpoints = TypedResults.Ok(value);

        var answer = await filter.InvokeAsync(Invocation(caller), _ => ValueTask.FromResult<object?>(endpoints));
        var repeat = await filter.InvokeAsync(Invocation(caller), _ => throw new InvalidOperationException("a repeat must not run"));

        // Serialised once, for the key; the endpoint's own result would have serialised it again to answer.
        Assert.NotSame(endpoints, answer);
        var written = await WrittenAsync(answer);
        Assert.Equal(await WrittenAsync(endpoints), written);
        Assert.Equal(written, await WrittenAsync(repeat));
        Assert.Equal(StatusCodes.Status200OK, written.Status);
    }

    [Fact]
    public async Task A_keyed_answer_that_is_not_a_plain_200_goes_out_as_the_endpoint_made_it()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var filter = Filter(database, TimeProvider.System);
        var created = TypedResults.Created("/api/v1/work-items/1", new { id = 1 });

        var answer = await filter.InvokeAsync(Invocation(Guid.NewGuid()), _ => ValueTask.FromResult<object?>(created));

        Assert.Same(created, answer);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Many_repeats_at_once_run_the_request_once_and_each_gets_its_answer_or_in_progress(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var claims = new IdempotencyClaims();
        await using var process = await LivenessAsync(database);
        var caller = Guid.NewGuid();
        var runs = 0;

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            await Task.Yield();
            return await Filter(database, TimeProvider.System, process, claims).InvokeAsync(Invocation(caller), async _ =>
            {
                Interlocked.Increment(ref runs);
                await Task.Delay(20);
                return TypedResults.Ok(new { once = true });
            });
        }));

        Assert.Equal(1, runs);
        Assert.All(answers, answer => Assert.True(Assert.IsAssignableFrom<IStatusCodeHttpResult>(answer).StatusCode is StatusCodes.Status200OK or StatusCodes.Status409Conflict));
        await using var context = database.NewContext();
        Assert.Equal(StatusCodes.Status200OK, (await context.IdempotencyRecords.SingleAsync()).StatusCode);
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

    [Fact]
    public async Task On_the_embedded_database_a_key_never_answered_is_not_read_once_the_answered_keys_are_loaded()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var caller = Guid.NewGuid();
        var unloaded = new CountingContextFactory(database);
        var loadedKeys = new AnsweredKeys();
        await loadedKeys.LoadAsync(new CountingContextFactory(database), CancellationToken.None);
        var loaded = new CountingContextFactory(database);

        await Filter(database, TimeProvider.System, contexts: unloaded).InvokeAsync(Invocation(caller), Ok);
        await Filter(database, TimeProvider.System, keys: loadedKeys, contexts: loaded).InvokeAsync(Invocation(Guid.NewGuid()), Ok);

        Assert.Equal(1, unloaded.Created); // before the load, every key is looked up
        Assert.Equal(0, loaded.Created);
        await using var context = database.NewContext();
        Assert.Equal(2, await context.IdempotencyRecords.CountAsync()); // both answers are stored all the same
    }

    [Fact]
    public async Task On_the_embedded_database_a_key_answered_before_a_restart_is_found_once_the_answered_keys_are_loaded()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var caller = Guid.NewGuid();
        await Filter(database, TimeProvider.System).InvokeAsync(Invocation(caller), _ => ValueTask.FromResult<object?>(TypedResults.Ok(new { before = true })));
        var restarted = new AnsweredKeys();
        await restarted.LoadAsync(new CountingContextFactory(database), CancellationToken.None);
        var runs = 0;

        var repeat = await Filter(database, TimeProvider.System, keys: restarted).InvokeAsync(Invocation(caller), _ =>
        {
            runs++;
            return Ok(_);
        });

        Assert.Equal(0, runs);
        Assert.Equal("""{"before":true}""", await BodyOfAsync(repeat));
    }

    [Fact]
    public async Task On_the_embedded_database_a_key_answered_after_the_load_is_found_by_its_repeat()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var keys = new AnsweredKeys();
        await keys.LoadAsync(new CountingContextFactory(database), CancellationToken.None);
        var claims = new IdempotencyClaims();
        var caller = Guid.NewGuid();
        var runs = 0;
        ValueTask<object?> Once(EndpointFilterInvocationContext _)
        {
            runs++;
            return ValueTask.FromResult<object?>(TypedResults.Ok(new { run = runs }));
        }

        await Filter(database, TimeProvider.System, claims: claims, keys: keys).InvokeAsync(Invocation(caller), Once);
        var repeat = await Filter(database, TimeProvider.System, claims: claims, keys: keys).InvokeAsync(Invocation(caller), Once);
        var otherBody = await Filter(database, TimeProvider.System, claims: claims, keys: keys).InvokeAsync(Invocation(caller, body: """{"fraction":0.9}"""), Once);

        Assert.Equal(1, runs);
        Assert.Equal("""{"run":1}""", await BodyOfAsync(repeat));
        Assert.Equal(StatusCodes.Status422UnprocessableEntity, Assert.IsAssignableFrom<IStatusCodeHttpResult>(otherBody).StatusCode);
    }

    [Fact]
    public async Task On_the_embedded_database_a_429_is_not_the_keys_answer_and_the_retry_runs_once_the_keys_are_loaded()
    {
        using var database = await TestDatabase.CreateMigratedAsync(DatabaseProvider.Sqlite);
        var keys = await AnsweredKeysAsync(database, loaded: true);
        var claims = new IdempotencyClaims();
        var caller = Guid.NewGuid();
        var runs = 0;

        var tooMany = await Filter(database, TimeProvider.System, claims: claims, keys: keys).InvokeAsync(Invocation(caller), _ =>
        {
            runs++;
            return ValueTask.FromResult<object?>(Results.StatusCode(StatusCodes.Status429TooManyRequests));
        });
        var retry = await Filter(database, TimeProvider.System, claims: claims, keys: keys).InvokeAsync(Invocation(caller), _ =>
        {
            runs++;
            return Ok(_);
        });

        Assert.Equal(StatusCodes.Status429TooManyRequests, Assert.IsAssignableFrom<IStatusCodeHttpResult>(tooMany).StatusCode);
        Assert.Equal(2, runs);
        Assert.Equal("""{"done":true}""", await BodyOfAsync(retry));
    }

    /// <summary>The answered keys as a process has them: loaded from the database, or not yet (every key read).</summary>
    private static async Task<AnsweredKeys> AnsweredKeysAsync(TestDatabase database, bool loaded)
    {
        var keys = new AnsweredKeys();
        if (loaded)
        {
            await keys.LoadAsync(new CountingContextFactory(database), CancellationToken.None);
        }

        return keys;
    }

    private static ValueTask<object?> Ok(EndpointFilterInvocationContext _) => ValueTask.FromResult<object?>(TypedResults.Ok(new { done = true }));

    /// <summary>
    /// A filter of its own process (its own liveness, claims and answered keys: never loaded, so every key is read) unless
    /// they are given.
    /// </summary>
    private static IdempotencyFilter Filter(
        TestDatabase database, TimeProvider time, ProcessLiveness? liveness = null, IdempotencyClaims? claims = null, AnsweredKeys? keys = null,
        IDbContextFactory<ClawDbContext>? contexts = null)
    {
        keys ??= new AnsweredKeys();
        contexts ??= new CountingContextFactory(database);
        return new(contexts, liveness ?? new ProcessLiveness(Options(database)), claims ?? new IdempotencyClaims(),
            new IdempotencyAnswers(new CountingContextFactory(database), keys), keys, new FixedOptionsMonitor<ApiOptions>(new ApiOptions()), time);
    }

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

    /// <summary>A reservation row whose request never answered, written as the filter writes one.</summary>
    private static async Task LeftBehindAsync(TestDatabase database, Guid caller, DateTimeOffset reservedAt, ProcessLiveness owner)
    {
        await using var context = database.NewContext();
        Assert.True(await context.InsertUnlessPresentAsync(new IdempotencyRecord
        {
            CallerId = caller, Key = "key-1", Method = HttpMethods.Post, Path = "/api/v1/work-items/x/progress",
            RequestHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(DefaultBody))), StatusCode = 0, CreatedAt = reservedAt,
            ReservedBy = owner.Key,
        }, CancellationToken.None));
    }

    /// <summary>What <paramref name="result"/> writes: its status, content type and body.</summary>
    private static async Task<(int Status, string? ContentType, string Body)> WrittenAsync(object? result)
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddOptions().BuildServiceProvider() };
        using var body = new MemoryStream();
        http.Response.Body = body;
        await Assert.IsAssignableFrom<IResult>(result).ExecuteAsync(http);
        return (http.Response.StatusCode, http.Response.ContentType, Encoding.UTF8.GetString(body.ToArray()));
    }

    private static async Task<string> BodyOfAsync(object? result)
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddOptions().BuildServiceProvider() };
        using var body = new MemoryStream();
        http.Response.Body = body;
        await Assert.IsAssignableFrom<IResult>(result).ExecuteAsync(http);
        return Encoding.UTF8.GetString(body.ToArray());
    }

    private sealed class StoppedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private const string DefaultBody = """{"fraction":0.5}""";

    private static DefaultEndpointFilterInvocationContext Invocation(Guid caller, string method = "POST", string body = DefaultBody)
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
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return new DefaultEndpointFilterInvocationContext(http);
    }
}
