using System.Net;
using System.Text.Json;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Web.Api;
using Microsoft.AspNetCore.Http;
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
        using var admission = Admission(limit: 1);
        var first = new Held();
        var running = admission.InvokeAsync(Request("/api/v1/work-items/x/progress"), first.RunAsync);
        var secondRan = false;

        var waiting = admission.InvokeAsync(Request("/api/v1/work-items/y/progress"), _ => { secondRan = true; return Task.CompletedTask; });
        await first.Started;
        Assert.False(waiting.IsCompleted);
        Assert.False(secondRan);

        first.Finish();
        await Task.WhenAll(running, waiting);
        Assert.True(secondRan);
        Assert.Equal(0, admission.Running);
    }

    [Fact]
    public async Task Waiting_requests_are_admitted_in_the_order_they_came()
    {
        using var admission = Admission(limit: 1);
        var first = new Held();
        var running = admission.InvokeAsync(Request("/api/v1/agents/a/heartbeat"), first.RunAsync);
        await first.Started;
        var order = new List<int>();
        var waiting = Enumerable.Range(1, 5)
            .Select(n => admission.InvokeAsync(Request("/api/v1/agents/a/heartbeat"), _ => { lock (order) { order.Add(n); } return Task.CompletedTask; }))
            .ToList();

        first.Finish();
        await Task.WhenAll(waiting.Append(running));

        Assert.Equal([1, 2, 3, 4, 5], order);
    }

    [Theory]
    [InlineData("/api/v1/agents/a/work", "?waitSeconds=10", false)]
    [InlineData("/api/v1/agents/a/work", "?waitSeconds=0", true)]
    [InlineData("/api/v1/agents/a/work", "", true)]
    [InlineData("/api/v1/agents/a/work", "?waitSeconds=abc", true)]
    [InlineData("/groups/g", "", false)]
    [InlineData("/mcp", "", false)]
    public void Only_api_requests_that_do_not_wait_by_design_take_a_turn(string path, string query, bool counts)
    {
        Assert.Equal(counts, ApiAdmission.Counts(Request(path, query).Request));
    }

    [Fact]
    public async Task A_long_poll_runs_while_every_turn_is_taken()
    {
        using var admission = Admission(limit: 1);
        var first = new Held();
        var running = admission.InvokeAsync(Request("/api/v1/work-items/x/accept"), first.RunAsync);
        await first.Started;
        var polled = false;

        await admission.InvokeAsync(Request("/api/v1/agents/a/work", "?waitSeconds=30"), _ => { polled = true; return Task.CompletedTask; });

        Assert.True(polled);
        first.Finish();
        await running;
    }

    [Fact]
    public async Task A_request_that_gets_no_turn_within_the_longest_wait_is_answered_503_with_retry_after_and_did_not_run()
    {
        using var admission = Admission(limit: 1, longestWait: TimeSpan.FromMilliseconds(50));
        var holder = new Held();
        var held = admission.InvokeAsync(Request("/api/v1/work-items/x/result"), holder.RunAsync);
        await holder.Started;
        var late = Request("/api/v1/work-items/z/result");
        var lateRan = false;

        await admission.InvokeAsync(late, _ => { lateRan = true; return Task.CompletedTask; });

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
    public void The_longest_wait_for_a_turn_is_the_request_timeout()
    {
        using var admission = Admission(limit: 1, timeoutSeconds: 45);

        Assert.Equal(TimeSpan.FromSeconds(45), admission.LongestWait);
    }

    [Fact]
    public async Task A_client_that_gives_up_while_it_waits_leaves_nothing_run_and_its_turn_to_the_next()
    {
        using var admission = Admission(limit: 1);
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
        await left;
        first.Finish();
        await Task.WhenAll(running, next);

        Assert.False(leftRan);
        Assert.True(nextRan);
        Assert.Equal(0, admission.Running);
    }

    [Fact]
    public void Unset_the_limit_is_per_core_and_zero_means_none()
    {
        using var perCore = new ApiAdmission(Options.Create(new ApiOptions()));
        using var none = Admission(limit: 0);

        Assert.Equal(ApiAdmission.PerCore * Environment.ProcessorCount, perCore.Limit);
        Assert.Equal(0, none.Limit);
    }

    [Fact]
    public async Task Through_the_app_a_long_poll_does_not_hold_the_only_turn_and_queued_calls_all_run()
    {
        await using var app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?> { ["ClawGroups:Api:MaxConcurrentRequests"] = "1" });
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

    private static ApiAdmission Admission(int limit, int timeoutSeconds = 60, TimeSpan? longestWait = null)
        => new(Options.Create(new ApiOptions { MaxConcurrentRequests = limit, RequestTimeoutSeconds = timeoutSeconds }), longestWait);

    private static DefaultHttpContext Request(string path, string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        context.Response.Body = new MemoryStream();
        context.RequestServices = new ServiceCollection().AddLogging().AddProblemDetails()
            .BuildServiceProvider();
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
}
