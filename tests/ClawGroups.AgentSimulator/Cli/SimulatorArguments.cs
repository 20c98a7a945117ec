using System.Globalization;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;

namespace ClawGroups.AgentSimulator.Cli;

/// <summary>The console's command line, checked.</summary>
public sealed record SimulatorArguments
{
    public const string Usage = """
        Runs simulated Claw Groups agents against a server.

        Usage:
          dotnet run --project tests/ClawGroups.AgentSimulator -- --server <url> --join-token <cg_join_…> [options]

        Options:
          --server <url>              the server, e.g. http://localhost:5000 (required)
          --join-token <token>        a group's join token, cg_join_… (required)
          --agents <n>                how many agents, 1..100 (default 1)
          --profile <name>            frontend, backend, data, accounting, research or reviewer (default backend)
          --delivery <mode>           pull or webhook (default pull); webhook listens on 127.0.0.1, so the
                                      server must run here with ClawGroups__Webhooks__AllowPrivateAddresses=true
          --behaviour <b>             diligent, slow, slow:<seconds>, silent, failing, failing:decline,
                                      failing:webhook or flaky:<n> (default diligent)
          --duration <seconds>        stop after this long (default: run until Ctrl+C)
          --heartbeat-seconds <s>     pause between heartbeats (default 5)
          --progress-seconds <s>      pause between progress reports (default 1)
          --name <prefix>             agent names are <prefix>-1, <prefix>-2, … (default: the profile's name)
          --help                      this text
        """;

    public required Uri Server { get; init; }
    public required string JoinToken { get; init; }
    public int Agents { get; init; } = 1;
    public string Profile { get; init; } = "backend";
    public string Delivery { get; init; } = AgentDelivery.Pull;
    public AgentBehaviour Behaviour { get; init; } = AgentBehaviour.Diligent;
    public TimeSpan? Duration { get; init; }
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);
    public string? NamePrefix { get; init; }

    /// <summary>Reads the command line: the arguments, or the first thing wrong with it (null when help was asked).</summary>
    public static ParsedArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?")
                return new ParsedArguments(null, null, HelpAsked: true);
            string name, value;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                (name, value) = (arg[..equals], arg[(equals + 1)..]);
            }
            else
            {
                name = arg;
                if (!arg.StartsWith("--", StringComparison.Ordinal))
                    return Error($"Unexpected argument '{arg}'.");
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    return Error($"{arg} needs a value.");
                value = args[++i];
            }
            name = name == "--behavior" ? "--behaviour" : name;
            if (!Known.Contains(name))
                return Error($"Unknown option '{name}'.");
            if (!values.TryAdd(name, value))
                return Error($"{name} is given twice.");
        }

        if (!values.TryGetValue("--server", out var serverText))
            return Error("--server is required.");
        if (!Uri.TryCreate(serverText, UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https"))
            return Error($"--server '{serverText}' is not an http or https URL.");
        if (!values.TryGetValue("--join-token", out var joinToken) || string.IsNullOrWhiteSpace(joinToken))
            return Error("--join-token is required.");
        if (!joinToken.StartsWith("cg_join_", StringComparison.Ordinal))
            return Error("--join-token must be a group's join token (cg_join_…).");

        var agents = 1;
        if (values.TryGetValue("--agents", out var agentsText)
            && (!int.TryParse(agentsText, NumberStyles.None, CultureInfo.InvariantCulture, out agents) || agents is < 1 or > 100))
            return Error($"--agents '{agentsText}' must be a whole number from 1 to 100.");

        var profile = values.GetValueOrDefault("--profile", "backend");
        if (!SkillProfiles.TryGet(profile, out _))
            return Error($"Unknown profile '{profile}'. Expected one of: {string.Join(", ", SkillProfiles.Names)}.");

        var delivery = values.GetValueOrDefault("--delivery", AgentDelivery.Pull);
        if (delivery is not (AgentDelivery.Pull or AgentDelivery.Webhook))
            return Error($"--delivery '{delivery}' must be pull or webhook.");

        var behaviour = AgentBehaviour.Diligent;
        if (values.TryGetValue("--behaviour", out var behaviourText) && !AgentBehaviour.TryParse(behaviourText, out behaviour, out var behaviourError))
            return Error(behaviourError!);
        if (behaviour.WebhookFailures > 0 && delivery != AgentDelivery.Webhook)
            return Error($"--behaviour {behaviour} fails webhook deliveries; it needs --delivery webhook.");

        if (!TrySeconds(values, "--duration", out var duration, out var error)
            || !TrySeconds(values, "--heartbeat-seconds", out var heartbeat, out error)
            || !TrySeconds(values, "--progress-seconds", out var progress, out error))
            return Error(error!);

        return new ParsedArguments(new SimulatorArguments
        {
            Server = server,
            JoinToken = joinToken,
            Agents = agents,
            Profile = profile.ToLowerInvariant(),
            Delivery = delivery,
            Behaviour = behaviour,
            Duration = duration,
            HeartbeatInterval = heartbeat ?? TimeSpan.FromSeconds(5),
            ProgressInterval = progress ?? TimeSpan.FromSeconds(1),
            NamePrefix = values.GetValueOrDefault("--name"),
        }, null);
    }

    private static readonly HashSet<string> Known =
    [
        "--server", "--join-token", "--agents", "--profile", "--delivery", "--behaviour", "--duration",
        "--heartbeat-seconds", "--progress-seconds", "--name",
    ];

    private static bool TrySeconds(Dictionary<string, string> values, string name, out TimeSpan? value, out string? error)
    {
        value = null;
        error = null;
        if (!values.TryGetValue(name, out var text))
            return true;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= 86_400)
        {
            value = TimeSpan.FromSeconds(seconds);
            return true;
        }
        error = $"{name} '{text}' must be a number of seconds, more than 0 and at most 86400.";
        return false;
    }

    private static ParsedArguments Error(string message) => new(null, message);
}

/// <summary>Either arguments, or an error to show with the usage, or a request for help.</summary>
public sealed record ParsedArguments(SimulatorArguments? Arguments, string? Error, bool HelpAsked = false);
