using System.Text.Json;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.WorkItems;

/// <summary>States as the API writes them: <c>backlog, ready, assigned, inProgress, …</c>.</summary>
public static class WorkItemStates
{
    public static string ApiName(WorkItemState state) => JsonNamingPolicy.CamelCase.ConvertName(state.ToString());

    public static bool TryParse(string? text, out WorkItemState state)
        => Enum.TryParse(text, ignoreCase: true, out state) && Enum.IsDefined(state) && !int.TryParse(text, out _);
}
