namespace ClawGroups.Data.WorkItems;

/// <summary>Who a member, an assignee or an actor is.</summary>
public enum MemberKind
{
    Agent = 0,
    Human = 1,
    Coordinator = 2,
    System = 3,
}
