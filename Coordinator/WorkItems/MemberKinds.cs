using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.WorkItems;

/// <summary>
/// Member kinds as the API writes them (an assignee's, an actor's or a member's <c>kind</c>). Constants, so that a view can
/// be matched by pattern (<c>{ Kind: MemberKinds.Human }</c>) without spelling the name again.
/// </summary>
public static class MemberKinds
{
    public const string Agent = "agent";

    public const string Human = "human";

    public const string Coordinator = "coordinator";

    public const string System = "system";

    public static string ApiName(MemberKind kind) => kind switch
    {
        MemberKind.Agent => Agent,
        MemberKind.Human => Human,
        MemberKind.Coordinator => Coordinator,
        MemberKind.System => System,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"The API has no name for the member kind {kind}."),
    };
}
