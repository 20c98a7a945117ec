namespace ClawGroups.Coordinator.Groups;

public sealed record CreateGroupRequest(string? Name, string? Description, bool? RequireReview);

/// <summary>A group with its members; <see cref="Settings"/> (added) carries its overrides and the defaults they replace.</summary>
public sealed record GroupView(
    Guid Id, string Name, string Description, bool RequireReview, DateTimeOffset CreatedAt, IReadOnlyList<MemberView> Members,
    GroupSettingsView? Settings = null);

/// <summary>A human or an agent of a group, with what the roster shows.</summary>
public sealed record MemberView(
    string Kind,
    Guid Id,
    string Name,
    string Status,
    string? Role = null,
    string? Delivery = null,
    int? Capacity = null,
    DateTimeOffset? LastHeartbeatAt = null,
    IReadOnlyList<SkillView>? Skills = null);

public sealed record SkillView(string Id, string Name, IReadOnlyList<string> Tags, double Level);

public sealed record CreateJoinTokenRequest(int? ExpiresInMinutes, int? MaxUses);

public sealed record JoinTokenView(string Token, DateTimeOffset ExpiresAt, int MaxUses);
