using System.Diagnostics;
using System.Globalization;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Testing.Waiting;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ClawGroups.Reliability.Tests.Crashes;

/// <summary>
/// Issue 16, "nothing a crash leaves behind stays stuck": the app runs as its own process under pull and webhook agents,
/// is killed with SIGKILL three times at different moments (mid-run after a downtime longer than the heartbeat timeout,
/// while a result is on its way, while an offer is being accepted), restarted on the same database and port, and left
/// to finish. Then nothing may be lost, done twice or held twice at once, no key or lease may be left behind, and every
/// webhook must have reached its agent. The seed (CLAWGROUPS_CRASH_SEED) fixes when the in-flight kills land.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const string BootstrapToken = "crash-test-bootstrap-token-0123456789";
    private const int PullAgents = 3;
    private const int WebhookAgents = 3;
    private const int Items = 30;
    private const int FirstBatch = 12;
    private const int SecondBatch = 24;
    // Ten agent heartbeats: a loaded machine's pause is not an agent's silence, while a server down for longer still is.
    private const int HeartbeatTimeoutSeconds = 10;
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(120);

    private static readonly Dictionary<string, string> Settings = new(StringComparer.Ordinal)
    {
        ["ClawGroups__BootstrapToken"] = BootstrapToken,
        ["ClawGroups__Webhooks__AllowPrivateAddresses"] = "true",
        ["ClawGroups__Webhooks__RetryBaseDelaySeconds"] = "0.2",
        ["ClawGroups__Webhooks__RetryMaxDelaySeconds"] = "1",
        ["ClawGroups__Webhooks__TimeoutSeconds"] = "5",
        ["ClawGroups__Coordinator__SweepIntervalSeconds"] = "1",
        ["ClawGroups__Coordinator__HeartbeatTimeoutSeconds"] = HeartbeatTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        // Longer than any downtime here: an agent that keeps reporting is never cut off, while one whose report was lost
        // for good is, soon enough for the run to end.
        ["ClawGroups__Coordinator__ProgressTimeoutSeconds"] = "45",
        // Runs take about a second: the model's expected duration must not judge them overrunning after a downtime.
        ["ClawGroups__Coordinator__OverrunFactor"] = "1000",
        // Every agent has the same card: routing is not the subject, so the coordinator never holds an item for a person.
        ["ClawGroups__Coordinator__MinRoutingConfidence"] = "0",
        ["ClawGroups__Inference__Model"] = "lexical",
        ["ClawGroups__Api__AgentRequestsPerMinute"] = "100000",
        ["ClawGroups__Api__HumanRequestsPerMinute"] = "100000",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
    };

    /// <summary>Agents as real ones: a report lost with the server is sent again with the same Idempotency-Key until it is answered.</summary>
    private static readonly AgentTimings Timings = new()
    {
        HeartbeatInterval = TimeSpan.FromSeconds(1),
        ProgressInterval = TimeSpan.FromMilliseconds(300),
        ProgressReports = 2,
        PullWaitSeconds = 2,
        ErrorBackoff = TimeSpan.FromMilliseconds(200),
        RetryFor = TimeSpan.FromSeconds(60),
    };

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Killed_three_times_mid_run_the_server_loses_nothing_does_nothing_twice_and_leaves_nothing_stuck(DatabaseProvider provider)
    {
        var seed = Environment.GetEnvironmentVariable("CLAWGROUPS_CRASH_SEED") is { Length: > 0 } given
            ? int.Parse(given, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        void Log(string line) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {line}");
        Log($"{provider}, seed {seed}");

        await using var server = await CrashingServer.StartAsync(provider, Settings);
        Log($"app on {server.Url} (pid {server.Current.ProcessId}), log {server.LogPath}");
        using var killSwitch = new KillSwitch();
        using var http = new HttpClient(killSwitch) { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(30) };
        var findings = new List<string>();
        var run = await CrashRun.StartAsync(http, BootstrapToken, PullAgents, WebhookAgents, Items, Timings);
        try
        {
            // The items come in three batches, one before each kill, so that each kill finds the work it is meant to cut into.
            await run.CreateItemsUpToAsync(FirstBatch);
            Log($"{run.Agents.Count} agents, {FirstBatch} items");

            // 1. An arbitrary moment mid-run, down for longer than the heartbeat timeout, as a reboot or a deploy is.
            await ReachAsync(() => run.Finished, 4, "4 results");
            var sinceKill = Stopwatch.StartNew();
            await server.KillAsync();
            Log($"kill 1 (mid-run) with {run.Finished} results in");
            await server.RestartAsync(sinceKill, TimeSpan.FromSeconds(HeartbeatTimeoutSeconds + 1));
            Log($"restarted after {sinceKill.Elapsed.TotalSeconds:0.0} s (pid {server.Current.ProcessId})");

            // 2. While a result is on its way: its answer is lost, and the agent sends it again with the same key.
            await KillInFlightAsync(server, killSwitch, r => KillSwitch.IsPost(r, "result"), run, SecondBatch, random, Log);
            // 3. While an offer is being accepted.
            await KillInFlightAsync(server, killSwitch, r => KillSwitch.IsPost(r, "accept"), run, Items, random, Log);
            await run.CreateItemsUpToAsync(Items);

            await WaitForDatabaseAsync(server, async db => await db.WorkItems.CountAsync(w => w.GroupId == run.GroupId && w.State == WorkItemState.Done) == Items,
                $"all {Items} items done");
            Log("all items done");
            // At least once: every message to an agent is delivered, however long a dead process's claim on it lasts.
            await WaitForDatabaseAsync(server, db => db.OutboxMessages.AllAsync(m => m.GroupId != run.GroupId || m.DeliveredAt != null || m.GaveUpAt != null),
                "every outbox message delivered");
            Log("outbox drained");
        }
        catch (TimeoutException e)
        {
            findings.Add($"the run did not finish: {e.Message}");
        }
        finally
        {
            // The server stops first, gracefully: what is checked next is what the run left, not what a sweep makes of
            // agents that have just gone quiet, nor a heartbeat caught half-way.
            if (!await server.StopAsync())
                findings.Add("the server did not stop within 30 s of SIGTERM");
            await run.DisposeAsync();
        }

        await using (var db = server.NewContext())
            findings.AddRange(await CrashFindings.CollectAsync(db, run.GroupId, run.Created, run.Agents));
        findings.AddRange(killSwitch.ServerErrors.Select(error => $"the server answered an agent or the test with a 5xx: {error}"));
        Log(CrashFindings.Summary(run.Agents));
        Log($"{server.Kills} kills; server log: {server.Current.Errors} errors, {server.Current.Warnings} warnings since the last restart");
        foreach (var problem in server.Current.Problems)
            Log($"  log: {problem}");
        foreach (var finding in findings)
            Log($"FINDING {finding}");

        Assert.True(findings.Count == 0,
            $"{findings.Count} findings on {provider} (seed {seed}, app log {server.LogPath}):\n{string.Join('\n', findings.Take(60))}");
        Assert.Equal(3, server.Kills);
        server.Forget();
    }

    /// <summary>
    /// Arms the kill switch, then feeds the run new items one at a time until a request that matches goes out; kills the
    /// server a few milliseconds later (or when 10 s pass after the last item without one) and restarts it at once.
    /// </summary>
    private static async Task KillInFlightAsync(
        CrashingServer server, KillSwitch killSwitch, Func<HttpRequestMessage, bool> trigger, CrashRun run, int feedUpTo, Random random, Action<string> log)
    {
        var fired = killSwitch.Arm(trigger);
        while (!fired.IsCompleted && run.CreatedCount < feedUpTo)
        {
            await run.CreateItemAsync();
            await Task.WhenAny(fired, Task.Delay(TimeSpan.FromSeconds(1)));
        }

        var what = await Task.WhenAny(fired, Task.Delay(TimeSpan.FromSeconds(10))) == fired ? await fired : "nothing matched in 10 s";
        killSwitch.Disarm();
        var delay = random.Next(0, 20);
        await Task.Delay(delay);
        var sinceKill = Stopwatch.StartNew();
        await server.KillAsync();
        log($"kill {server.Kills} {delay} ms after {what}");
        await server.RestartAsync(sinceKill, TimeSpan.Zero);
        log($"restarted after {sinceKill.Elapsed.TotalSeconds:0.0} s (pid {server.Current.ProcessId})");
    }

    private static Task ReachAsync(Func<int> count, int atLeast, string what)
        => Eventually.ReachAsync(() => Task.FromResult(count()), n => n >= atLeast, what, PhaseTimeout);

    private static Task WaitForDatabaseAsync(CrashingServer server, Func<ClawDbContext, Task<bool>> condition, string what)
        => Eventually.ReachAsync(async () =>
        {
            await using var db = server.NewContext();
            return await condition(db);
        }, done => done, what, PhaseTimeout);
}
