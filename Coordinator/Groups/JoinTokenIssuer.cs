using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Credentials;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;

namespace ClawGroups.Coordinator.Groups;

/// <summary>
/// Issues the secrets that let someone into a group — an agent's join token or a person's invite — with one set of
/// limits and checks. The caller has already checked that the human may invite to the group.
/// </summary>
public static class JoinTokenIssuer
{
    public const int MaxMinutes = 60 * 24 * 30;
    public const int MaxUses = 10_000;

    /// <summary>Adds the token (and its trail event) to the unit of work; returns the secret, shown once, or what is wrong.</summary>
    public static Outcome<(string Secret, JoinToken Token)> Issue(
        ClawDbContext context, Caller caller, Guid groupId, JoinTokenAudience audience, int minutes, int uses, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new Dictionary<string, string[]>();
        if (minutes is < 1 or > MaxMinutes)
        {
            errors["expiresInMinutes"] = [$"expiresInMinutes must be between 1 and {MaxMinutes}."];
        }

        if (uses is < 1 or > MaxUses)
        {
            errors["maxUses"] = [$"maxUses must be between 1 and {MaxUses}."];
        }

        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }

        var secret = SecretToken.Create(audience == JoinTokenAudience.Human ? SecretToken.InvitePrefix : SecretToken.JoinTokenPrefix);
        var token = new JoinToken
        {
            Id = Guid.CreateVersion7(now),
            GroupId = groupId,
            Audience = audience,
            Prefix = SecretToken.DisplayPrefix(secret),
            TokenHash = SecretToken.Hash(secret),
            CreatedAt = now,
            CreatedByUserId = caller.Id,
            ExpiresAt = now.AddMinutes(minutes),
            MaxUses = uses,
        };
        context.JoinTokens.Add(token);
        context.AddTrailEvent(groupId, caller, audience == JoinTokenAudience.Human ? TrailEventTypes.InviteCreated : TrailEventTypes.JoinTokenCreated, now,
            new { token.Id, token.Prefix, token.ExpiresAt, token.MaxUses });
        return (secret, token);
    }
}
