using ClawGroups.AgentSimulator.Api;
using System.Globalization;

namespace ClawGroups.AgentSimulator.Agents;

public enum AgentBehaviourKind
{
    /// <summary>Does the work promptly.</summary>
    Diligent,

    /// <summary>Takes much longer between progress reports.</summary>
    Slow,

    /// <summary>Stops heartbeating and reporting after accepting: a dead agent.</summary>
    Silent,

    /// <summary>Declines its work, or answers 500 to every webhook (<see cref="FailingMode"/>).</summary>
    Failing,

    /// <summary>Its webhook endpoint answers 500 to the first n deliveries, then works diligently.</summary>
    FlakyWebhook,

    /// <summary>Answers the goals it is offered with a plan (<see cref="AgentBehaviour.PlanFor"/>); other work it does diligently.</summary>
    Planner,
}

public enum FailingMode
{
    Decline,
    WebhookErrors,
}

/// <summary>How a simulated agent behaves; build one with the static members.</summary>
public sealed record AgentBehaviour
{
    private AgentBehaviour(AgentBehaviourKind kind) => Kind = kind;

    public AgentBehaviourKind Kind { get; }

    /// <summary>For <see cref="AgentBehaviourKind.Slow"/>: the pause between progress reports; null uses the timings'.</summary>
    public TimeSpan? SlowProgressInterval { get; private init; }

    public FailingMode FailingMode { get; private init; }

    public string DeclineReason { get; private init; } = "Not able to take this on right now.";

    /// <summary>For <see cref="AgentBehaviourKind.FlakyWebhook"/>: deliveries answered 500 first.</summary>
    public int FlakyDeliveries { get; private init; }

    /// <summary>For <see cref="AgentBehaviourKind.Planner"/>: the plan it answers a goal with.</summary>
    public Func<WorkItem, Plan> PlanFor { get; private init; } = DefaultPlan;

    public static AgentBehaviour Diligent { get; } = new(AgentBehaviourKind.Diligent);

    /// <summary>A planner; without <paramref name="plan"/> it splits every goal into find out, do, check (each after the one before).</summary>
    public static AgentBehaviour Planner(Func<WorkItem, Plan>? plan = null) => new(AgentBehaviourKind.Planner) { PlanFor = plan ?? DefaultPlan };

    private static Plan DefaultPlan(WorkItem goal) => new(
    [
        new PlanItem("find-out", $"Find out what \"{goal.Title}\" needs", "Gather what is known and what is missing."),
        new PlanItem("do", $"Do \"{goal.Title}\"", goal.Description, DependsOn: ["find-out"]),
        new PlanItem("check", $"Check \"{goal.Title}\"", "Check the work against the goal.", DependsOn: ["do"]),
    ]);

    public static AgentBehaviour Silent { get; } = new(AgentBehaviourKind.Silent);

    public static AgentBehaviour Slow(TimeSpan? progressInterval = null) =>
        new(AgentBehaviourKind.Slow) { SlowProgressInterval = progressInterval };

    public static AgentBehaviour Failing(FailingMode mode = FailingMode.Decline, string? declineReason = null) =>
        new(AgentBehaviourKind.Failing) { FailingMode = mode, DeclineReason = declineReason ?? "Not able to take this on right now." };

    public static AgentBehaviour FlakyWebhook(int failFirstDeliveries)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(failFirstDeliveries);
        return new(AgentBehaviourKind.FlakyWebhook) { FlakyDeliveries = failFirstDeliveries };
    }

    /// <summary>How many deliveries the webhook endpoint fails on purpose.</summary>
    internal int WebhookFailures => Kind switch
    {
        AgentBehaviourKind.FlakyWebhook => FlakyDeliveries,
        AgentBehaviourKind.Failing when FailingMode == FailingMode.WebhookErrors => int.MaxValue,
        _ => 0,
    };

    /// <summary>
    /// Reads the console's spelling: <c>diligent</c>, <c>planner</c>, <c>slow</c>, <c>slow:&lt;seconds&gt;</c>, <c>silent</c>,
    /// <c>failing</c>, <c>failing:decline</c>, <c>failing:webhook</c>, <c>flaky:&lt;n&gt;</c>.
    /// </summary>
    public static bool TryParse(string? text, out AgentBehaviour behaviour, out string? error)
    {
        behaviour = Diligent;
        error = null;
        var parts = (text ?? "").Trim().ToLowerInvariant().Split(':', 2);
        var argument = parts.Length > 1 ? parts[1] : null;
        switch (parts[0])
        {
            case "diligent" when argument is null:
                return true;
            case "planner" when argument is null:
                behaviour = Planner();
                return true;
            case "silent" when argument is null:
                behaviour = Silent;
                return true;
            case "slow" when argument is null:
                behaviour = Slow();
                return true;
            case "slow":
                if (double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= 3600)
                {
                    behaviour = Slow(TimeSpan.FromSeconds(seconds));
                    return true;
                }
                error = $"'slow:{argument}': the pause between progress reports must be a number of seconds, more than 0 and at most 3600.";
                return false;
            case "failing" when argument is null or "decline":
                behaviour = Failing();
                return true;
            case "failing" when argument == "webhook":
                behaviour = Failing(FailingMode.WebhookErrors);
                return true;
            case "flaky":
                if (int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
                {
                    behaviour = FlakyWebhook(count);
                    return true;
                }
                error = $"'{text}': flaky needs the number of deliveries to fail first, a whole number above 0 (flaky:3).";
                return false;
            default:
                error = $"Unknown behaviour '{text}'. Expected diligent, planner, slow, slow:<seconds>, silent, failing, failing:decline, failing:webhook or flaky:<n>.";
                return false;
        }
    }

    public override string ToString() => Kind switch
    {
        AgentBehaviourKind.Slow when SlowProgressInterval is { } interval => $"slow:{interval.TotalSeconds.ToString(CultureInfo.InvariantCulture)}",
        AgentBehaviourKind.Failing => FailingMode == FailingMode.Decline ? "failing:decline" : "failing:webhook",
        AgentBehaviourKind.FlakyWebhook => $"flaky:{FlakyDeliveries.ToString(CultureInfo.InvariantCulture)}",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
