using System.Diagnostics;
using System.Globalization;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
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
    private const int HeartbeatTimeoutSeconds = 5;
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(90);

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
        ["ClawGroups__Coordinator__ProgressTimeoutSeconds"] = "30",
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
        var human = new ClawApiClient(http, BootstrapToken);
        var group = await human.CreateGroupAsync(new CreateGroup("Crash test", "Killed and restarted under its agents", RequireReview: false));
        var groupId = Guid.Parse(group.Id);
        var join = await human.CreateJoinTokenAsync(group.Id, new CreateJoinToken(ExpiresInMinutes: 60, MaxUses: PullAgents + WebhookAgents));

        var findings = new List<string>();
        var agents = new List<SimulatedAgent>();
        var created = new List<Guid>();
        try
        {
            for (var i = 1; i <= PullAgents + WebhookAgents; i++)
            {
                var delivery = i <= PullAgents ? AgentDelivery.Pull : AgentDelivery.Webhook;
                agents.Add(await SimulatedAgent.StartAsync(new SimulatedAgentOptions
                {
                    ServerUrl = server.Url,
                    JoinToken = join.Token,
                    Name = $"{delivery}-{i}",
                    Profile = SkillProfiles.Backend,
                    Delivery = delivery,
                    Timings = Timings,
                    HttpClient = http,
                }));
            }

            for (var n = 1; n <= Items; n++)
            {
                var item = await human.CreateWorkItemAsync(group.Id, new CreateWorkItem(
                    $"Add an endpoint to export invoices, part {n}", $"Part {n} of {Items}: REST endpoint, validation and tests."));
                created.Add(Guid.Parse(item.Id));
            }

            Log($"{agents.Count} agents, {Items} items");
            int Finished() => agents.Sum(a => a.Observed.Completed.Count);

            // 1. An arbitrary moment mid-run, down for longer than the heartbeat timeout, as a reboot or a deploy is.
            await ReachAsync(Finished, 4, "4 results");
            var sinceKill = Stopwatch.StartNew();
            await server.KillAsync();
            Log($"kill 1 (mid-run) with {Finished()} results in");
            await server.RestartAsync(sinceKill, TimeSpan.FromSeconds(HeartbeatTimeoutSeconds + 1));
            Log($"restarted after {sinceKill.Elapsed.TotalSeconds:0.0} s (pid {server.Current.ProcessId})");

            // 2. While a result is on its way: the answer is lost, and the agent sends it again with the same key.
            await ReachAsync(Finished, 12, "12 results");
            await KillInFlightAsync(server, killSwitch, r => KillSwitch.IsPost(r, "result"), random, Log);

            // 3. While an offer is being accepted.
            await ReachAsync(Finished, 18, "18 results");
            await KillInFlightAsync(server, killSwitch, r => KillSwitch.IsPost(r, "accept"), random, Log);

            await WaitForDatabaseAsync(server, async db => await db.WorkItems.CountAsync(w => w.GroupId == groupId && w.State == WorkItemState.Done) == Items,
                $"all {Items} items done");
            Log("all items done");
            // At least once: every message to an agent is delivered, however long a dead process's claim on it lasts.
            await WaitForDatabaseAsync(server, db => db.OutboxMessages.AllAsync(m => m.GroupId != groupId || m.DeliveredAt != null || m.GaveUpAt != null),
                "every outbox message delivered");
            Log("outbox drained");
        }
        catch (TimeoutException e)
        {
            findings.Add($"the run did not finish: {e.Message}");
        }
        finally
        {
            foreach (var agent in agents)
                await agent.DisposeAsync();
        }

        await using (var db = server.NewContext())
            findings.AddRange(await CrashFindings.CollectAsync(db, groupId, created, agents));
        findings.AddRange(killSwitch.ServerErrors.Select(error => $"the server answered an agent or the test with a 5xx: {error}"));
        Log(CrashFindings.Summary(agents));
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

    /// <summary>Kills the server a few milliseconds after a request that matches goes out (or after 10 s if none does), and restarts it at once.</summary>
    private static async Task KillInFlightAsync(
        CrashingServer server, KillSwitch killSwitch, Func<HttpRequestMessage, bool> trigger, Random random, Action<string> log)
    {
        var fired = killSwitch.Arm(trigger);
        var delay = random.Next(0, 20);
        var what = await Task.WhenAny(fired, Task.Delay(TimeSpan.FromSeconds(10))) == fired ? await fired : "nothing matched in 10 s";
        killSwitch.Disarm();
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
