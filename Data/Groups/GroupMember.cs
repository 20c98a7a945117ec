using ClawGroups.Data.Accounts;

namespace ClawGroups.Data.Groups;

/// <summary>A human's membership of a group. Agents belong to exactly one group and are not listed here.</summary>
public class GroupMember
{
    public Guid GroupId { get; set; }

    public Group? Group { get; set; }

    public Guid UserId { get; set; }

    public ClawUser? User { get; set; }

    public GroupRole Role { get; set; }

    public DateTimeOffset JoinedAt { get; set; }
}

public enum GroupRole
{
    Member = 0,
    Owner = 1,
}
