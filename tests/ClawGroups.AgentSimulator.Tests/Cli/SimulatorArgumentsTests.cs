using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Cli;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.AgentSimulator.Tests.Cli;

public sealed class SimulatorArgumentsTests
{
    private static readonly string[] Required = ["--server", "http://localhost:5000", "--join-token", "cg_join_abc"];

    [Fact]
    public void A_full_command_line_is_read_into_arguments()
    {
        var parsed = SimulatorArguments.Parse([.. Required, "--agents", "3", "--profile", "accounting", "--delivery", "webhook", "--behaviour", "flaky:3", "--duration", "60"]);

        var arguments = Assert.IsType<SimulatorArguments>(parsed.Arguments);
        Assert.Equal(new Uri("http://localhost:5000"), arguments.Server);
        Assert.Equal("cg_join_abc", arguments.JoinToken);
        Assert.Equal(3, arguments.Agents);
        Assert.Equal("accounting", arguments.Profile);
        Assert.Equal("webhook", arguments.Delivery);
        Assert.Equal(AgentBehaviourKind.FlakyWebhook, arguments.Behaviour.Kind);
        Assert.Equal(3, arguments.Behaviour.FlakyDeliveries);
        Assert.Equal(TimeSpan.FromSeconds(60), arguments.Duration);
    }

    [Fact]
    public void Only_server_and_join_token_are_required()
    {
        var arguments = Assert.IsType<SimulatorArguments>(SimulatorArguments.Parse(Required).Arguments);

        Assert.Equal((1, "backend", "pull", AgentBehaviourKind.Diligent, (TimeSpan?)null),
            (arguments.Agents, arguments.Profile, arguments.Delivery, arguments.Behaviour.Kind, arguments.Duration));
    }

    [Theory]
    [InlineData("--server is required", "--join-token", "cg_join_abc")]
    [InlineData("--join-token is required", "--server", "http://localhost:5000")]
    [InlineData("not an http or https URL", "--server", "localhost:5000", "--join-token", "cg_join_abc")]
    [InlineData("must be a group's join token", "--server", "http://localhost:5000", "--join-token", "cg_agent_abc")]
    [InlineData("--agents '0'", "--server", "http://x", "--join-token", "cg_join_a", "--agents", "0")]
    [InlineData("--agents 'three'", "--server", "http://x", "--join-token", "cg_join_a", "--agents", "three")]
    [InlineData("Unknown profile 'marketing'", "--server", "http://x", "--join-token", "cg_join_a", "--profile", "marketing")]
    [InlineData("--delivery 'push'", "--server", "http://x", "--join-token", "cg_join_a", "--delivery", "push")]
    [InlineData("Unknown behaviour 'lazy'", "--server", "http://x", "--join-token", "cg_join_a", "--behaviour", "lazy")]
    [InlineData("flaky needs the number", "--server", "http://x", "--join-token", "cg_join_a", "--delivery", "webhook", "--behaviour", "flaky")]
    [InlineData("flaky needs the number", "--server", "http://x", "--join-token", "cg_join_a", "--delivery", "webhook", "--behaviour", "flaky:0")]
    [InlineData("needs --delivery webhook", "--server", "http://x", "--join-token", "cg_join_a", "--behaviour", "flaky:2")]
    [InlineData("--duration '-5'", "--server", "http://x", "--join-token", "cg_join_a", "--duration=-5")]
    [InlineData("Unknown option '--colour'", "--server", "http://x", "--join-token", "cg_join_a", "--colour", "red")]
    [InlineData("--agents needs a value", "--server", "http://x", "--join-token", "cg_join_a", "--agents")]
    [InlineData("--server is given twice", "--server", "http://x", "--server", "http://y", "--join-token", "cg_join_a")]
    [InlineData("Unexpected argument 'extra'", "--server", "http://x", "--join-token", "cg_join_a", "extra")]
    public void A_bad_command_line_is_refused_with_a_message_that_names_the_problem(string expected, params string[] args)
    {
        var parsed = SimulatorArguments.Parse(args);

        Assert.Null(parsed.Arguments);
        Assert.Contains(expected, parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_console_exits_with_code_2_and_prints_the_usage_on_bad_arguments()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await SimulatorCommand.RunAsync(["--agents", "3"], output, error, NullLoggerFactory.Instance, CancellationToken.None);

        Assert.Equal(2, exitCode);
        Assert.Contains("error: --server is required.", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Usage:", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    [Fact]
    public async Task The_console_prints_the_usage_and_exits_with_0_when_help_is_asked()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await SimulatorCommand.RunAsync(["--help"], output, error, NullLoggerFactory.Instance, CancellationToken.None);

        Assert.Equal(0, exitCode);
        Assert.Contains("--join-token", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("diligent", AgentBehaviourKind.Diligent)]
    [InlineData("slow", AgentBehaviourKind.Slow)]
    [InlineData("slow:2.5", AgentBehaviourKind.Slow)]
    [InlineData("silent", AgentBehaviourKind.Silent)]
    [InlineData("failing", AgentBehaviourKind.Failing)]
    [InlineData("failing:webhook", AgentBehaviourKind.Failing)]
    [InlineData("FLAKY:3", AgentBehaviourKind.FlakyWebhook)]
    public void Each_behaviour_spelling_is_understood(string text, AgentBehaviourKind expected)
    {
        Assert.True(AgentBehaviour.TryParse(text, out var behaviour, out var error), error);
        Assert.Equal(expected, behaviour.Kind);
    }
}
