using ClawGroups.AgentSimulator.Cli;
using Microsoft.Extensions.Logging;

namespace ClawGroups.AgentSimulator;

/// <summary>
/// The simulator's command line. An explicit class rather than top-level statements: since .NET 10 those
/// generate a public <c>Program</c>, which would clash with the web app's in tests that reference both.
/// </summary>
internal static class SimulatorProgram
{
    public static async Task<int> Main(string[] args)
    {
        using var loggerFactory = LoggerFactory.Create(logging => logging
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            })
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning));
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        return await SimulatorCommand.RunAsync(args, Console.Out, Console.Error, loggerFactory, stop.Token);
    }
}
