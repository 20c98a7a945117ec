using System.Globalization;
using System.Text.Json;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Web.Components.Board;

/// <summary>Trail events in plain words for the drawer's log and timeline.</summary>
public static class TrailText
{
    private static readonly HashSet<string> LogTypes = new[]
    {
        TrailEventTypes.Assigned, TrailEventTypes.Accepted, TrailEventTypes.Progress, TrailEventTypes.Message, TrailEventTypes.Result,
        TrailEventTypes.TakenOver, TrailEventTypes.HandedBack, TrailEventTypes.Stalled, TrailEventTypes.Pinged, TrailEventTypes.Failed,
        TrailEventTypes.Paused, TrailEventTypes.Resumed, TrailEventTypes.Completed, TrailEventTypes.Approved, TrailEventTypes.Rejected,
        TrailEventTypes.Declined, TrailEventTypes.LateResult, TrailEventTypes.Released, TrailEventTypes.ReviewAssigned,
        TrailEventTypes.NeedsRouting, TrailEventTypes.AttemptFailed, TrailEventTypes.QuestionAsked, TrailEventTypes.BudgetWarning, TrailEventTypes.BudgetExceeded, TrailEventTypes.BreakerTripped,
        TrailEventTypes.BreakerReleased,
    }.Select(type => type.Name).ToHashSet();

    /// <summary>
    /// The words for each type, by its stored name. Every type in <see cref="TrailEventTypes.All"/> has one (a test holds
    /// this); the drawer shows a work item's events, the rest are worded for any view of the group's trail.
    /// </summary>
    private static readonly Dictionary<string, Func<JsonElement, string>> Wordings = new (TrailEventType Type, Func<JsonElement, string> Words)[]
    {
        (TrailEventTypes.Created, _ => "Created."),
        (TrailEventTypes.Edited, _ => "Edited."),
        (TrailEventTypes.Ready, _ => "Ready: its dependencies are done."),
        (TrailEventTypes.Assigned, data => $"Offered to {Text(data, "memberName") ?? Text(data, "memberId")}: {Text(data, "reason")}"),
        (TrailEventTypes.ReviewAssigned, data => $"Review offered to {Text(data, "reviewerName")}: {Text(data, "reason")}"),
        (TrailEventTypes.Accepted, _ => "Accepted; work started."),
        (TrailEventTypes.Progress, data => $"{Fraction(data)} {Text(data, "message")}".Trim()),
        (TrailEventTypes.Message, data => $"Message from {Text(data, "from")}: {Text(data, "text")}"),
        (TrailEventTypes.Result, data => $"Result: {Text(data, "summary")}"),
        (TrailEventTypes.TakenOver, data => $"Taken over by {Text(data, "by")}; the agent was told to stop."),
        (TrailEventTypes.HandedBack, data => $"Handed back to the coordinator.{Suffix(Text(data, "note"))}"),
        (TrailEventTypes.Stalled, data => $"Stalled ({Text(data, "reason")}); it will be offered again."),
        (TrailEventTypes.Pinged, data => $"Pinged the agent ({Text(data, "reason")})."),
        (TrailEventTypes.Failed, data => Text(data, "reason") == "pingPong"
            ? $"Stopped after bouncing {Text(data, "bounces")} times between members; needs a person."
            : $"Failed after {Text(data, "attempts")} attempts; needs a person."),
        (TrailEventTypes.Paused, data => Text(data, "reason") == "budget" ? $"Paused: the {Budget(data)} budget is spent." : "Paused."),
        (TrailEventTypes.Resumed, data => Text(data, "reason") == "budget" ? "Resumed: the budget was raised." : "Resumed."),
        (TrailEventTypes.BudgetWarning, data => $"The {Budget(data)} budget is {Share(data)} spent ({Text(data, "spent")} of {Text(data, "limit")})."),
        (TrailEventTypes.BudgetExceeded, data => $"The {Budget(data)} budget is spent ({Text(data, "spent")} of {Text(data, "limit")}): what it covers is paused and offered nothing more."),
        (TrailEventTypes.BreakerTripped, data => Text(data, "reason") switch
        {
            "pingPong" => $"Breaker: bounced {Text(data, "bounces")} times; held for a person.",
            "failureStreak" => $"Breaker: the agent failed {Text(data, "streak")} times in a row; no offers until {Text(data, "coolingUntil")}, then one trial.",
            "creationRate" => $"Breaker: a plan of {Text(data, "planned")} items was refused; the agent created {Text(data, "created")} in the last hour (limit {Text(data, "limit")}). Nothing was created.",
            "duplicateWork" => $"Breaker: a plan was refused for repeating work: {Repeated(data)}. Nothing was created.",
            var reason => $"Breaker tripped ({reason}).",
        }),
        (TrailEventTypes.BreakerReleased, _ => "Breaker released: the agent's trial attempt completed."),
        (TrailEventTypes.Completed, data => $"Completed.{Suffix(Text(data, "summary"))}"),
        (TrailEventTypes.Approved, data => $"Approved.{Suffix(Text(data, "feedback"))}"),
        (TrailEventTypes.Rejected, data => $"Rejected.{Suffix(Text(data, "feedback"))}"),
        (TrailEventTypes.Declined, data => $"Declined.{Suffix(Text(data, "reason"))}"),
        (TrailEventTypes.AttemptFailed, data => $"The attempt failed.{Suffix(Text(data, "reason"))}"),
        (TrailEventTypes.QuestionAsked, data => $"Asks a person: “{Text(data, "question")}” Answer with a message."),
        (TrailEventTypes.Cancelled, _ => "Cancelled."),
        (TrailEventTypes.Retried, _ => "Retried: back to ready."),
        (TrailEventTypes.Released, data => Text(data, "reason") == "agentSignedOff"
            ? "Released: its agent signed off before accepting it." : "Released: its agent was revoked."),
        (TrailEventTypes.LateResult, data => $"A result arrived after the attempt ended; kept for review.{Suffix(Text(data, "summary"))}"),
        (TrailEventTypes.LateResultAccepted, _ => "The late result was accepted."),
        (TrailEventTypes.NeedsRouting, data => $"Needs a person to route: the model could not tell its best candidates apart (confidence {Text(data, "confidence")})."),
        (TrailEventTypes.Planned, data => string.Equals(Text(data, "awaitingApproval"), "true", StringComparison.OrdinalIgnoreCase)
            ? $"Planned: {Text(data, "items")} sub-items, waiting for a person to approve the plan." : $"Planned: {Text(data, "items")} sub-items."),
        (TrailEventTypes.PlanApproved, data => $"Plan approved: {Text(data, "items")} sub-items created."),
        (TrailEventTypes.PlanRejected, data => $"Plan sent back to be planned again.{Suffix(Text(data, "feedback"))}"),
        (TrailEventTypes.Consolidating, _ => "Every sub-item is done: the results are being written up."),
        (TrailEventTypes.Consolidated, data => string.Equals(Text(data, "review"), "true", StringComparison.OrdinalIgnoreCase) ? "Consolidated: the written-up result is in review." : "Consolidated: done."),
        (TrailEventTypes.GoalNeedsDecision, data => $"Sub-item “{Text(data, "title")}” {Text(data, "reason")}: retry it, drop it or re-plan the goal."),
        (TrailEventTypes.SubItemDecided, data => $"Decided about a sub-item: {Text(data, "choice")}.{Suffix(Text(data, "feedback"))}"),
        (TrailEventTypes.AgentRegistered, data => $"Agent {Text(data, "name")} joined."),
        (TrailEventTypes.AgentKeyRotated, _ => "The agent's API key was replaced."),
        (TrailEventTypes.AgentRevoked, data => $"Agent {Text(data, "name")} was revoked."),
        (TrailEventTypes.AgentStalled, data => $"Agent {Text(data, "name")} stopped sending heartbeats."),
        (TrailEventTypes.AgentSignedOff, data => $"Agent {Text(data, "name")} signed off; it gets no work until it is back."),
        (TrailEventTypes.AgentReturned, data => $"Agent {Text(data, "name")} is back."),
        (TrailEventTypes.AgentUnreachable, data => $"Agent {Text(data, "name")} could not be reached by its webhook.{Suffix(Text(data, "error"))}"),
        (TrailEventTypes.AgentReachable, data => $"Agent {Text(data, "name")} answers its webhook again."),
        (TrailEventTypes.GroupCreated, data => $"Group {Text(data, "name")} created."),
        (TrailEventTypes.GroupUpdated, _ => "Group settings changed."),
        (TrailEventTypes.MemberJoined, data => $"{Text(data, "name")} joined by an invite."),
        (TrailEventTypes.InviteCreated, _ => "An invite link was created."),
        (TrailEventTypes.JoinTokenCreated, _ => "A join token for agents was created."),
        (TrailEventTypes.ModelTuned, _ => "The group's skill model was tuned on its finished work."),
    }.ToDictionary(w => w.Type.Name, w => w.Words);

    /// <summary>Whether the event belongs in the progress log (the timeline shows every event).</summary>
    public static bool IsLogEntry(string type) => LogTypes.Contains(type);

    public static string Actor(TrailEventView entry, IReadOnlyDictionary<Guid, string> names)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(names);
        return entry.Actor.Kind == MemberKinds.Coordinator ? MemberKinds.Coordinator
            : entry.Actor.Id is { } id && names.TryGetValue(id, out var name) ? name
            : entry.Actor.Kind;
    }

    public static string Describe(TrailEventView entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        // A type this build does not know (a row from a newer version) is shown by its name rather than hidden.
        return Wordings.TryGetValue(entry.Type, out var words) ? words(entry.Data) : entry.Type;
    }

    /// <summary>A budget's name in words: <c>perAgentDailyUsd</c> → "per agent daily USD".</summary>
    private static string Budget(JsonElement data) => Text(data, "budget") switch
    {
        "monthlyUsd" => "monthly USD",
        "monthlyTokens" => "monthly token",
        "perItemUsd" => "per-item USD",
        "perItemTokens" => "per-item token",
        "perAgentDailyUsd" => "agent's daily USD",
        "perAgentDailyTokens" => "agent's daily token",
        var other => other ?? "",
    };

    private static string Share(JsonElement data)
        => data.ValueKind == JsonValueKind.Object && data.TryGetProperty("share", out var s) && s.ValueKind == JsonValueKind.Number
            ? s.GetDouble().ToString("P0", CultureInfo.InvariantCulture)
            : "";

    /// <summary>The titles a refused plan repeated, as the creation breaker listed them.</summary>
    private static string Repeated(JsonElement data)
        => data.ValueKind == JsonValueKind.Object && data.TryGetProperty("duplicates", out var duplicates) && duplicates.ValueKind == JsonValueKind.Array
            ? string.Join(", ", duplicates.EnumerateArray().Select(d => $"“{Text(d, "title")}”"))
            : "";

    private static string Suffix(string? text) => string.IsNullOrWhiteSpace(text) ? "" : $" “{text}”";

    private static string Fraction(JsonElement data)
        => data.ValueKind == JsonValueKind.Object && data.TryGetProperty("fraction", out var f) && f.ValueKind == JsonValueKind.Number
            ? f.GetDouble().ToString("P0", CultureInfo.InvariantCulture)
            : "";

    private static string? Text(JsonElement data, string name)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.ToString(),
        };
    }
}
