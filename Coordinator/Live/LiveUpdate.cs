using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Coordinator.Live;

/// <summary>
/// A committed change, as live clients receive it (docs/API.md, "Live updates"): the hub sends each kind
/// under its method name, and Blazor circuits get the same objects in process.
/// </summary>
public abstract record LiveUpdate(Guid GroupId)
{
    /// <summary>The hub method that carries this update to outside clients.</summary>
    public abstract string MethodName { get; }

    /// <summary>What the hub sends as the method's argument.</summary>
    public abstract object Payload { get; }
}

/// <summary><c>workItemChanged</c>: the work item as it is now.</summary>
public sealed record WorkItemChanged(Guid GroupId, WorkItemView Item) : LiveUpdate(GroupId)
{
    public const string Method = "workItemChanged";

    public override string MethodName => Method;

    public override object Payload => Item;
}

/// <summary><c>memberChanged</c>: a human or agent of the group as the roster shows it.</summary>
public sealed record MemberChanged(Guid GroupId, MemberView Member) : LiveUpdate(GroupId)
{
    public const string Method = "memberChanged";

    public override string MethodName => Method;

    public override object Payload => Member;
}

/// <summary><c>groupChanged</c> (added to the contract): the group's name, description or review rule changed.</summary>
public sealed record GroupChanged(Guid GroupId, GroupInfoView Group) : LiveUpdate(GroupId)
{
    public const string Method = "groupChanged";

    public override string MethodName => Method;

    public override object Payload => Group;
}

/// <summary><c>eventAppended</c>: a new entry of the group's trail.</summary>
public sealed record EventAppended(Guid GroupId, TrailEventView Event) : LiveUpdate(GroupId)
{
    public const string Method = "eventAppended";

    public override string MethodName => Method;

    public override object Payload => Event;
}
