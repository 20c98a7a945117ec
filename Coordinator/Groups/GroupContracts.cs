namespace ClawGroups.Coordinator.Groups;

public sealed record CreateGroupRequest(string? Name, string? Description, bool? RequireReview);

/// <summary>
/// A group with its members; <see cref="Settings"/> (added) carries its overrides and the defaults they replace, and
/// <see cref="A2aEnabled"/> whether it answers as an A2A agent.
/// </summary>
public sealed record GroupView(
    Guid Id, string Name, string Description, bool RequireReview, DateTimeOffset CreatedAt, IReadOnlyList<MemberView> Members,
    GroupSettingsView? Settings = null, bool A2aEnabled = false);

/// <summary>What a group is, without its members: what <c>groupChanged</c> carries.</summary>
public sealed record GroupInfoView(Guid Id, string Name, string Description, bool RequireReview);

/// <summary>A group in the overview of a person's groups: what it is and how its work stands.</summary>
public sealed record GroupSummaryView(
    Guid Id, string Name, string Description, int Humans, int Agents, int Waiting, int Working, int NeedAttention, int Done);

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
    IReadOnlyList<SkillView>? Skills = null,
    int? Load = null,
    TrackRecordView? TrackRecord = null,
    string? Device = null,
    string? Model = null,
    AgentBreakerView? Breaker = null,
    decimal? CostPerAcceptedResult = null);

/// <summary>
/// An agent's tripped failure breaker, as the roster shows it (decision 0028): failures in a row, until when it is offered
/// nothing (<c>cooling</c>), and after that one trial at a time (<c>halfOpen</c>).
/// </summary>
public sealed record AgentBreakerView(string State, int Streak, int Trips, DateTimeOffset CoolingUntil);

/// <summary>How a member's finished attempts ended: the roster's "12 done, 0 stalled, 1 rejected".</summary>
public sealed record TrackRecordView(int Done, int Stalled, int Rejected, int Declined);

public sealed record SkillView(string Id, string Name, IReadOnlyList<string> Tags, double Level);

public sealed record CreateJoinTokenRequest(int? ExpiresInMinutes, int? MaxUses);

public sealed record JoinTokenView(string Token, DateTimeOffset ExpiresAt, int MaxUses);
