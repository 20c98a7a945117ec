using System.Net;
using System.Text.Json;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClawGroups.Web.Tests.Api;

/// <summary>
/// A bounded number of API requests at once: the rest wait their turn in arrival order, long polls are not counted, and a
/// request that cannot get a turn within the request timeout is told so without having run.
/// </summary>
public sealed class ApiAdmissionTests
{
    [Fact]
    public async Task A_request_beyond_the_limit_waits_until_one_that_runs_is_answered()
    {
        var admission = Admission(limit: 1);
        var first = new Held();
        var running = admission.InvokeAsync(Request("/api/v1/work-items/x/progress"), first.RunAsync);
        var secondRan = false;

        var waiting = admission.InvokeAsync(Request("/api/v1/work-items/y/progress"), _ => { secondRan = true; return Task.CompletedTask; });
        await first.Started;
        Assert.False(waiting.IsCompleted);
        Assert.False(secondRan);

        first.Finish();
        await Task.WhenAll(running, waiting).WaitAsync(Deadline);
        Assert.True(secondRan);
        Assert.Equal(0, admission.Running);
    }

    [Fact]
    public async Task Waiting_requests_are_admitted_in_the_order_they_came()
    {
        var admission = Admission(limit: 1);
        var first = new Held();
        var running = admission.InvokeAsync(Request("/api/v1/agents/a/heartbeat"), first.RunAsync);
        await first.Started;
        var order = new List<int>();
        var waiting = Enumerable.Range(1, 5)
            .Select(n => admission.InvokeAsync(Request("/api/v1/agents/a/heartbeat"), _ => { lock (order) { order.Add(n); } return Task.CompletedTask; }))
            .ToList();

        first.Finish();
        await Task.WhenAll(waiting.Append(running)).WaitAsync(Deadline);

        Assert.Equal([1, 2, 3, 4, 5], order);
    }

    [Theory]
    [InlineData("/api/v1/agents/a/work", "?waitSeconds=10", true, false)]
    [InlineData("/api/v1/agents/a/work", "?WAITSECONDS=10", true, false)]
    [InlineData("/api/v1/agents/a/work", "?waitSeconds=+5", true, false)]
    [InlineData("/api/v1/agents/a/work", "?waitSeconds=%2B5", true, false)]
    [InlineData("/api/v1/agents/a/work", "?waitSeconds=0", true, true)]
    [InlineData("/api/v1/agents/a/work", "", true, true)]
    [InlineData("/api/v1/agents/a/work", "?waitSeconds=abc", true, true)]
    [InlineData("/api/v1/work-items/x/result", "?waitSeconds=30", false, true)]
    [InlineData("/groups/g", "", false, false)]
    [InlineData("/mcp", "", false, false)]
    public void Only_api_requests_other_than_a_long_poll_asked_to_wait_take_a_turn(string path, string query, bool longPoll, bool counts)
    {
        Assert.Equal(counts, ApiAdmission.Counts(Request(path, query, longPoll)));
    }

    [Fact]
    public async Task A_long_poll_runs_while_every_turn_is_taken()
    {
        var admission = Admission(limit: 1);
        var first = new Held();
        var running = admission.InvokeAsync(Request("/api/v1/work-items/x/accept"), first.RunAsync);
        await first.Started;
        var polled = false;

        await admission.InvokeAsync(Request("/api/v1/agents/a/work", "?waitSeconds=30", longPoll: true), _ => { polled = true; return Task.CompletedTask; })
            .WaitAsync(Deadline);

        Assert.True(polled);
        first.Finish();
        await running;
    }

    [Fact]
    public async Task A_request_that_gets_no_turn_within_the_longest_wait_is_answered_503_with_retry_after_and_did_not_run()
    {
        var admission = Admission(limit: 1, longestWait: TimeSpan.FromMilliseconds(50));
        var holder = new Held();
        var held = admission.InvokeAsync(Request("/api/v1/work-items/x/result"), holder.RunAsync);
        await holder.Started;
        var late = Request("/api/v1/work-items/z/result");
        var lateRan = false;

        await admission.InvokeAsync(late, _ => { lateRan = true; return Task.CompletedTask; }).WaitAsync(Deadline);

        Assert.False(lateRan);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, late.Response.StatusCode);
        Assert.Equal("1", late.Response.Headers.RetryAfter.ToString());
        late.Response.Body.Position = 0;
        using var problem = await JsonDocument.ParseAsync(late.Response.Body);
        Assert.Equal("Server busy", problem.RootElement.GetProperty("title").GetString());
        holder.Finish();
        await held;
        Assert.Equal(0, admission.Running);
    }

    [Fact]
    public async Task A_request_reads_its_body_before_it_asks_for_a_turn_so_a_slow_sender_holds_none()
    {
        var admission = Admission(limit: 1);
        var slow = Request("/api/v1/agents", "");
        var body = new TrickleStream("{\"name\":\"slow\"}"u8.ToArray());
        (slow.Request.Body, slow.Request.ContentLength) = (body, body.Length);
        string? read = null;
        var sending = admission.InvokeAsync(slow, async context => read = await new StreamReader(context.Request.Body).ReadToEndAsync());
        await body.Reading.WaitAsync(Deadline);
        var heartbeatRan = false;

        await admission.InvokeAsync(Request("/api/v1/agents/a/heartbeat"), _ => { heartbeatRan = true; return Task.CompletedTask; }).WaitAsync(Deadline);

        Assert.True(heartbeatRan);
        Assert.Null(read);
        body.Send();
        await sending.WaitAsync(Deadline);
        Assert.Equal("{\"name\":\"slow\"}", read);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_small_body_is_read_once_into_an_array_of_its_size_that_the_endpoints_readers_find_read(bool lengthStated)
    {
        var sent = "{\"fraction\":0.5}"u8.ToArray();
        var body = new OneWayStream(sent);

        var (seen, read) = await AdmitAsync("/api/v1/work-items/x/progress", body, lengthStated);

        // Not ASP.NET Core's buffering, which rents 30 KB for it, and not read twice.
        Assert.IsType<MemoryStream>(seen);
        Assert.Equal(sent, read);
        Assert.Equal(sent.Length, body.BytesRead);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 1)]
    [InlineData(false, 100_000)]
    public async Task A_body_longer_than_buffering_keeps_in_memory_is_buffered_as_before_and_read_whole(bool lengthStated, int beyond)
    {
        // Of no stated length, its first bytes were read before it showed as long: the endpoint reads them again, then the rest.
        var sent = new byte[ApiAdmission.BodyReadIntoItsOwnArray + beyond];
        Random.Shared.NextBytes(sent);

        var (seen, read) = await AdmitAsync("/api/v1/work-items/x/result", new OneWayStream(sent), lengthStated);

        Assert.IsType<FileBufferingReadStream>(seen);
        Assert.Equal(sent, read);
    }

    [Fact]
    public async Task A_client_that_gives_up_while_it_waits_leaves_nothing_run_and_its_turn_to_the_next()
    {
        var admission = Admission(limit: 1);
        var first = new Held();
        var running = admission.InvokeAsync(Request("/api/v1/work-items/x/progress"), first.RunAsync);
        await first.Started;
        using var gone = new CancellationTokenSource();
        var leaving = Request("/api/v1/work-items/y/progress");
        leaving.RequestAborted = gone.Token;
        var leftRan = false;
        var left = admission.InvokeAsync(leaving, _ => { leftRan = true; return Task.CompletedTask; });
        var nextRan = false;
        var next = admission.InvokeAsync(Request("/api/v1/work-items/z/progress"), _ => { nextRan = true; return Task.CompletedTask; });

        await gone.CancelAsync();
        await left.WaitAsync(Deadline);
        first.Finish();
        await Task.WhenAll(running, next).WaitAsync(Deadline);

        Assert.False(leftRan);
        Assert.True(nextRan);
        Assert.Equal(0, admission.Running);
    }

    [Fact]
    public void Unset_the_limit_is_twelve_a_core_and_a_turn_waits_ten_seconds_at_most()
    {
        var unset = new ApiAdmission(Options.Create(new ApiOptions()), NullLogger<ApiAdmission>.Instance);

        Assert.Equal(12 * Environment.ProcessorCount, unset.Limit);
        Assert.Equal(TimeSpan.FromSeconds(10), unset.LongestWait);
    }

    [Fact]
    public async Task Through_the_app_unset_the_limit_is_twelve_a_core_and_zero_turns_it_off()
    {
        await using (var unset = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>()))
        {
            Assert.Equal(12 * Environment.ProcessorCount, unset.Services.GetRequiredService<ApiAdmission>().Limit);
        }

        await using var off = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?> { ["ClawGroups:Api:MaxConcurrentRequests"] = "0" });
        Assert.Equal(0, off.Services.GetRequiredService<ApiAdmission>().Limit);
    }

    [Fact]
    public async Task A_negative_limit_stops_the_app_at_start_up_naming_the_setting()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?> { ["ClawGroups:Api:MaxConcurrentRequests"] = "-1" });
        });

        var validation = Flatten(failure).OfType<OptionsValidationException>().FirstOrDefault();
        Assert.NotNull(validation);
        Assert.Contains(nameof(ApiOptions.MaxConcurrentRequests), validation.Message, StringComparison.Ordinal);

        static IEnumerable<Exception> Flatten(Exception exception) => exception is AggregateException aggregate
            ? aggregate.InnerExceptions.SelectMany(Flatten).Prepend(exception)
            : exception.InnerException is { } inner ? Flatten(inner).Prepend(exception) : [exception];
    }

    [Fact]
    public async Task A_limit_of_zero_lets_every_request_run_at_once()
    {
        var admission = Admission(limit: 0);
        var held = Enumerable.Range(0, 50).Select(_ => new Held()).ToList();

        var running = held.Select(h => admission.InvokeAsync(Request("/api/v1/agents/a/heartbeat"), h.RunAsync)).ToList();

        await Task.WhenAll(held.Select(h => h.Started)).WaitAsync(Deadline);
        held.ForEach(h => h.Finish());
        await Task.WhenAll(running).WaitAsync(Deadline);
        Assert.Equal(0, admission.Limit);
    }

    [Fact]
    public async Task Through_the_app_a_long_poll_does_not_hold_the_only_turn_and_queued_calls_all_run()
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?> { ["ClawGroups:Api:MaxConcurrentRequests"] = "1" });
        Assert.Equal(1, app.Services.GetRequiredService<ApiAdmission>().Limit);
        await using var scenario = await ApiScenario.StartAsync(app);
        var joinToken = await scenario.Human.CreateJoinTokenAsync(scenario.Group.Id);
        var registered = await scenario.Human.RegisterAgentAsync(joinToken.Token, new AgentCard { Name = "puller" });
        var agent = scenario.AgentClient(registered.ApiKey);
        using var stop = new CancellationTokenSource();
        var poll = agent.PullWorkAsync(registered.AgentId, waitSeconds: 30, stop.Token);

        var beats = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => agent.HeartbeatAsync(registered.AgentId, new Heartbeat("idle"))));

        Assert.All(beats, beat => Assert.Equal(HttpStatusCode.OK, beat.StatusCode));
        Assert.False(poll.IsCompleted, "the long poll is still waiting: the heartbeats did not wait for it");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll);
    }

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static ApiAdmission Admission(int limit, TimeSpan? longestWait = null)
        => new(Options.Create(new ApiOptions { MaxConcurrentRequests = limit }), NullLogger<ApiAdmission>.Instance, longestWait ?? Deadline * 6);

    /// <summary>
    /// A request with <paramref name="body"/> (its length stated, or sent in chunks) through an admission with a free turn:
    /// the stream the endpoint found as its body, and what the endpoint's body reader read.
    /// </summary>
    private static async Task<(Stream? Seen, byte[]? Read)> AdmitAsync(string path, OneWayStream body, bool lengthStated = true)
    {
        var request = Request(path);
        request.Request.Body = body;
        if (lengthStated)
        {
            request.Request.ContentLength = body.Length;
        }
        else
        {
            request.Request.Headers.TransferEncoding = "chunked";
        }

        (Stream? Seen, byte[]? Read) found = default;
        await Admission(limit: 1).InvokeAsync(request, async context =>
        {
            found.Seen = context.Request.Body;
            found.Read = (await BufferedBody.ReadAsync(context.Request)).ToArray();
        }).WaitAsync(Deadline);
        return found;
    }

    private static DefaultHttpContext Request(string path, string query = "", bool longPoll = false)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        context.Response.Body = new MemoryStream();
        context.RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        if (longPoll)
        {
            context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(new LongPoll()), "pull"));
        }

        return context;
    }

    /// <summary>A request that runs until the test lets it finish.</summary>
    private sealed class Held
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _finish = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public Task RunAsync(HttpContext context)
        {
            _started.SetResult();
            return _finish.Task;
        }

        public void Finish() => _finish.SetResult();
    }

    /// <summary>A request body as a server gives it: read once, from the start, with no going back; counts what is read.</summary>
    private sealed class OneWayStream(byte[] content) : MemoryStream(content)
    {
        public int BytesRead { get; private set; }

        public override bool CanSeek => false;

        // MemoryStream's asynchronous reads come down to these.
        public override int Read(byte[] buffer, int offset, int count) => Counted(base.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Counted(base.Read(buffer));

        private int Counted(int read)
        {
            BytesRead += read;
            return read;
        }
    }

    /// <summary>A request body that arrives only when the test sends it, as from a client on a slow line.</summary>
    private sealed class TrickleStream(byte[] content) : MemoryStream(content)
    {
        private readonly TaskCompletionSource _reading = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reading => _reading.Task;

        public void Send() => _sent.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _reading.TrySetResult();
            await _sent.Task.WaitAsync(cancellationToken);
            return await base.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
