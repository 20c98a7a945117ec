using System.Text.Json;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.WorkItems;

/// <summary>Kinds as the API writes them: <c>task, goal, consolidation</c>.</summary>
public static class WorkItemKinds
{
    public const string Task = "task";
    public const string Goal = "goal";
    public const string Consolidation = "consolidation";

    public static string ApiName(WorkItemKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    /// <summary>The kinds a person or client may create: a task or a goal (consolidations are the coordinator's).</summary>
    public static bool TryParseCreatable(string? text, out WorkItemKind kind)
    {
        (var known, kind) = text switch
        {
            null or Task => (true, WorkItemKind.Task),
            Goal => (true, WorkItemKind.Goal),
            _ => (false, WorkItemKind.Task),
        };
        return known;
    }
}
