using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using Microsoft.Extensions.Logging;

namespace ClawGroups.AgentSimulator.Cli;

/// <summary>The console program: runs N simulated agents until the duration is over or Ctrl+C.</summary>
public static class SimulatorCommand
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadArguments = 2;

    /// <summary>How long the agents may take to sign off when the run ends.</summary>
    private static readonly TimeSpan SignOffTimeout = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextWriter output, TextWriter error, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var parsed = SimulatorArguments.Parse(args);
        if (parsed.HelpAsked)
        {
            await output.WriteLineAsync(SimulatorArguments.Usage);
            return Ok;
        }
        if (parsed.Arguments is not { } arguments)
        {
            await error.WriteLineAsync($"error: {parsed.Error}");
            await error.WriteLineAsync();
            await error.WriteLineAsync(SimulatorArguments.Usage);
            return BadArguments;
        }

        var logger = loggerFactory.CreateLogger("ClawGroups.AgentSimulator");
        SkillProfiles.TryGet(arguments.Profile, out var profile);
        using var http = new HttpClient { BaseAddress = arguments.Server };
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (arguments.Duration is { } duration)
            run.CancelAfter(duration);

        var agents = new List<SimulatedAgent>();
        try
        {
            for (var i = 1; i <= arguments.Agents; i++)
            {
                agents.Add(await SimulatedAgent.StartAsync(new SimulatedAgentOptions
                {
                    ServerUrl = arguments.Server,
                    JoinToken = arguments.JoinToken,
                    Name = $"{arguments.NamePrefix ?? arguments.Profile}-{i}",
                    Profile = profile,
                    Delivery = arguments.Delivery,
                    Behaviour = arguments.Behaviour,
                    Timings = new AgentTimings { HeartbeatInterval = arguments.HeartbeatInterval, ProgressInterval = arguments.ProgressInterval },
                    HttpClient = http,
                    LoggerFactory = loggerFactory,
                }, run.Token));
            }
            logger.LogInformation("{Count} agent(s) running; Ctrl+C stops them", agents.Count);
            await Task.Delay(Timeout.InfiniteTimeSpan, run.Token);
            return Ok;
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            return Ok;
        }
        catch (Exception e) when (e is ClawApiException or HttpRequestException)
        {
            logger.LogError("Could not start the agents: {Error}", e.Message);
            return Failed;
        }
        finally
        {
            // On every way out, Ctrl+C included (the run's token is cancelled by then): the sign-offs get a time of their own.
            using var leaving = new CancellationTokenSource(SignOffTimeout);
            await Task.WhenAll(agents.Select(agent => agent.SignOffAsync(leaving.Token)));
            foreach (var agent in agents)
            {
                logger.LogInformation(
                    "Agent {Agent}: {Accepted} accepted, {Completed} completed, {Declined} declined, {Revoked} revoked, {Duplicates} duplicate deliveries suppressed",
                    agent.Name, agent.Observed.Accepted.Count, agent.Observed.Completed.Count, agent.Observed.Declined.Count,
                    agent.Observed.Revocations.Count, agent.DuplicatesSuppressed);
                await agent.DisposeAsync();
            }
        }
    }
}
