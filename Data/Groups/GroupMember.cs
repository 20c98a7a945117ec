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

    /// <summary>
    /// The person's skills as the coordinator routes by them, in an agent card's shape (id, name, description, tags, level) as
    /// JSON; "[]" until they set a profile. Per group: a person may offer different skills in different groups.
    /// </summary>
    public string SkillsJson { get; set; } = "[]";

    /// <summary>How many work items the coordinator may offer the person at once.</summary>
    public int Capacity { get; set; } = 1;

    /// <summary>Whether the coordinator may offer the person work at all; off until they say so on their profile.</summary>
    public bool AcceptsWork { get; set; }

    /// <summary>When the profile last changed: a pass's judgements of who fits hold only for the roster they were made with.</summary>
    public DateTimeOffset? ProfileUpdatedAt { get; set; }
}

public enum GroupRole
{
    Member = 0,
    Owner = 1,
}
