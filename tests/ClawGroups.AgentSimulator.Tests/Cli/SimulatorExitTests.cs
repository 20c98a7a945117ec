using ClawGroups.AgentSimulator.Cli;
using ClawGroups.AgentSimulator.Tests.Agents;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.AgentSimulator.Tests.Cli;

/// <summary>The console program leaves as an agent should: Ctrl+C (its token cancelled) signs every agent off, last.</summary>
public sealed class SimulatorExitTests
{
    [Fact]
    public async Task Stopping_the_simulator_signs_its_agents_off_after_their_last_heartbeat()
    {
        await using var server = await FakeClawServer.StartAsync();
        using var ctrlC = new CancellationTokenSource();
        var run = SimulatorCommand.RunAsync(
            ["--server", server.Url.ToString(), "--join-token", "cg_join_fake", "--heartbeat-seconds", "1"],
            TextWriter.Null, TextWriter.Null, NullLoggerFactory.Instance, ctrlC.Token);
        await server.WaitUntilAsync(s => s.CallsTo("heartbeat").Any(), TimeSpan.FromSeconds(30));

        await ctrlC.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(SimulatorCommand.Ok, exitCode);
        var calls = server.Calls.Select(c => c.Path).ToList();
        var signOff = Assert.Single(calls, path => path.EndsWith("/signoff", StringComparison.Ordinal));
        Assert.Equal("/api/v1/agents/agt_1/signoff", signOff);
        Assert.DoesNotContain(calls.Skip(calls.IndexOf(signOff) + 1), path => path.EndsWith("/heartbeat", StringComparison.Ordinal));
        Assert.Equal("Bearer " + FakeClawServer.ApiKey, server.Calls.Single(c => c.Path == signOff).Authorization);
    }
}
