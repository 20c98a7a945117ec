using System.Globalization;
using System.Text.Json;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Web.Components.Board;

/// <summary>Trail events in plain words for the drawer's log and timeline.</summary>
public static class TrailText
{
    private static readonly HashSet<string> LogTypes =
    [
        "work.assigned", "work.accepted", "work.progress", "work.message", "work.result", "work.takenOver", "work.handedBack",
        "work.stalled", "work.pinged", "work.failed", "work.paused", "work.resumed", "work.completed", "work.approved",
        "work.rejected", "work.declined", "work.lateResult", "work.released", "review.assigned",
        TrailEventTypes.NeedsRouting,
    ];

    /// <summary>Whether the event belongs in the progress log (the timeline shows every event).</summary>
    public static bool IsLogEntry(string type) => LogTypes.Contains(type);

    public static string Actor(TrailEventView entry, IReadOnlyDictionary<Guid, string> names)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(names);
        return entry.Actor.Kind == "coordinator" ? "coordinator"
            : entry.Actor.Id is { } id && names.TryGetValue(id, out var name) ? name
            : entry.Actor.Kind;
    }

    public static string Describe(TrailEventView entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var data = entry.Data;
        return entry.Type switch
        {
            "work.created" => "Created.",
            "work.edited" => "Edited.",
            "work.ready" => "Ready: its dependencies are done.",
            "work.assigned" => $"Offered to {Text(data, "memberName") ?? Text(data, "memberId")}: {Text(data, "reason")}",
            "review.assigned" => $"Review offered to {Text(data, "reviewerName")}: {Text(data, "reason")}",
            "work.accepted" => "Accepted; work started.",
            "work.progress" => $"{Fraction(data)} {Text(data, "message")}".Trim(),
            "work.message" => $"Message from {Text(data, "from")}: {Text(data, "text")}",
            "work.result" => $"Result: {Text(data, "summary")}",
            "work.takenOver" => $"Taken over by {Text(data, "by")}; the agent was told to stop.",
            "work.handedBack" => $"Handed back to the coordinator.{Suffix(Text(data, "note"))}",
            "work.stalled" => $"Stalled ({Text(data, "reason")}); it will be offered again.",
            "work.pinged" => $"Pinged the agent ({Text(data, "reason")}).",
            "work.failed" => $"Failed after {Text(data, "attempts")} attempts; needs a person.",
            "work.paused" => "Paused.",
            "work.resumed" => "Resumed.",
            "work.completed" => $"Completed.{Suffix(Text(data, "summary"))}",
            "work.approved" => $"Approved.{Suffix(Text(data, "feedback"))}",
            "work.rejected" => $"Rejected.{Suffix(Text(data, "feedback"))}",
            "work.declined" => $"Declined.{Suffix(Text(data, "reason"))}",
            "work.cancelled" => "Cancelled.",
            "work.retried" => "Retried: back to ready.",
            "work.released" => "Released: its agent was revoked.",
            "work.lateResult" => $"A result arrived after the attempt ended; kept for review.{Suffix(Text(data, "summary"))}",
            "work.lateResultAccepted" => "The late result was accepted.",
            TrailEventTypes.NeedsRouting => $"Needs a person to route: the model could not tell its best candidates apart (confidence {Text(data, "confidence")}).",
            _ => entry.Type,
        };
    }

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
