using ClawGroups.Data.Groups;
using Microsoft.AspNetCore.Identity;

namespace ClawGroups.Data.Accounts;

/// <summary>A human account (ASP.NET Core Identity). Agents are not users: they have their own table.</summary>
public class ClawUser : IdentityUser<Guid>
{
    /// <summary>The well-known id of the built-in owner that <c>ClawGroups:BootstrapToken</c> signs in as.</summary>
    public static readonly Guid BootstrapOwnerId = new("00000000-0000-0000-0000-00000000c1a0");

    public string DisplayName { get; set; } = "";

    /// <summary>The instance owner administers the whole installation (the first account, or the bootstrap owner).</summary>
    public bool IsInstanceOwner { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the person last had the workspace open; the roster shows them online while this is recent.</summary>
    public DateTimeOffset? LastSeenAt { get; set; }

    /// <summary>
    /// When the person last called the API (stamped at most once a minute): they count as present for the coordinator for a
    /// while after it, as they do while a workspace page is open.
    /// </summary>
    public DateTimeOffset? LastApiCallAt { get; set; }

    public List<GroupMember> Memberships { get; } = [];

    public List<PersonalAccessToken> AccessTokens { get; } = [];
}
