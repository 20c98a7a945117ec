using System.Collections.Frozen;
using System.Text.Json;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.WorkItems;

/// <summary>States as the API writes them: <c>backlog, ready, assigned, inProgress, …</c>.</summary>
public static class WorkItemStates
{
    private static readonly FrozenDictionary<string, WorkItemState> ByApiName
        = Enum.GetValues<WorkItemState>().ToFrozenDictionary(ApiName, StringComparer.Ordinal);

    public static string ApiName(WorkItemState state) => JsonNamingPolicy.CamelCase.ConvertName(state.ToString());

    public static bool TryParse(string? text, out WorkItemState state)
        => Enum.TryParse(text, ignoreCase: true, out state) && Enum.IsDefined(state) && !int.TryParse(text, out _);

    /// <summary>
    /// The state a view's API name stands for. Views are written from the enum, so a name no state has is a bug in
    /// the writer, and it is thrown as one rather than shown as some state it is not.
    /// </summary>
    public static WorkItemState Parse(string apiName)
        => ByApiName.TryGetValue(apiName, out var state)
            ? state
            : throw new ArgumentOutOfRangeException(nameof(apiName), apiName,
                $"'{apiName}' is not a work item state; the states are {string.Join(", ", ByApiName.Keys)}.");
}
