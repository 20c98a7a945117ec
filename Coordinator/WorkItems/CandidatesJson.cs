using System.Text.Json;
using ClawGroups.Coordinator.Calls;

namespace ClawGroups.Coordinator.WorkItems;

/// <summary>
/// Candidates as they are kept with what they were weighed for (a held item, an offer's attempt): one form for both, so the
/// drawer lists them alike.
/// </summary>
public static class CandidatesJson
{
    public static string Write(IReadOnlyList<RoutingCandidateView> candidates) => ClawJson.Serialize(candidates);

    /// <summary>The candidates kept, in the order they were written; none when nothing was kept.</summary>
    public static IReadOnlyList<RoutingCandidateView> Read(string? json)
        => json is null ? [] : JsonSerializer.Deserialize<List<RoutingCandidateView>>(json, ClawJson.Options) ?? [];
}
