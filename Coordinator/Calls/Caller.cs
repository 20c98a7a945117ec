using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Calls;

/// <summary>Who is asking: a human (by account) or an agent (by its key), as the API authenticated them.</summary>
public sealed record Caller(MemberKind Kind, Guid Id, string Name, bool IsInstanceOwner = false, Guid? AgentGroupId = null)
{
    public bool IsAgent => Kind == MemberKind.Agent;

    public bool IsHuman => Kind == MemberKind.Human;

    /// <summary>The coordinator itself, for moves made by jobs.</summary>
    public static readonly Caller Coordinator = new(MemberKind.Coordinator, Guid.Empty, "coordinator");
}
