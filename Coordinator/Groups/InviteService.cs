using ClawGroups.Coordinator.Access;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Credentials;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Data.Database;
using ClawGroups.Data.Groups;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Groups;

/// <summary>
/// Invite links that let humans join a group (<c>cg_invite_…</c>). They are join tokens with the human audience,
/// so expiry, use counting and revocation work as they do for agents; an invite never registers an agent and an
/// agent's join token is never an invite.
/// </summary>
public sealed class InviteService(ClawDbContext context, TimeProvider time)
{
    public const int DefaultExpiresInMinutes = 60 * 24 * 7;
    public const int DefaultMaxUses = 10;

    /// <summary>A member of the group creates an invite link; the token is in this answer only.</summary>
    public async Task<Outcome<InviteCreated>> CreateInviteAsync(
        Caller caller, Guid groupId, int? expiresInMinutes, int? maxUses, CancellationToken cancellationToken)
    {
        if ((GroupAccess.RequireHuman(caller) ?? await context.CheckGroupAccessAsync(caller, groupId, cancellationToken)) is { } denied)
        {
            return denied;
        }

        var issued = JoinTokenIssuer.Issue(
            context, caller, groupId, JoinTokenAudience.Human, expiresInMinutes ?? DefaultExpiresInMinutes, maxUses ?? DefaultMaxUses, time.GetUtcNow());
        if (!issued.Succeeded)
        {
            return issued.Failure!;
        }

        await context.SaveChangesAsync(cancellationToken);
        var (secret, invite) = issued.Value;
        return new InviteCreated(secret, invite.ExpiresAt, invite.MaxUses);
    }

    /// <summary>
    /// What an invite leads to, for the page that offers to accept it; the holder of a valid invite may see the group's name,
    /// signed in or not (<paramref name="caller"/> null: the sign-in page says which group signing in joins).
    /// </summary>
    public async Task<Outcome<InviteView>> DescribeAsync(Caller? caller, string? token, CancellationToken cancellationToken)
    {
        if (caller is not null && GroupAccess.RequireHuman(caller) is { } notHuman)
        {
            return notHuman;
        }

        var (invite, problem) = await FindUsableAsync(token, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return new InviteView(invite!.GroupId, invite.Group!.Name, invite.ExpiresAt,
            caller is not null && await IsMemberAsync(caller, invite.GroupId, cancellationToken));
    }

    /// <summary>The caller joins the invite's group as a member. Accepting again, once a member, changes nothing and uses nothing.</summary>
    public async Task<Outcome<InviteAccepted>> AcceptInviteAsync(Caller caller, string? token, CancellationToken cancellationToken)
    {
        if (GroupAccess.RequireHuman(caller) is { } notHuman)
        {
            return notHuman;
        }

        var (invite, problem) = await FindUsableAsync(token, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var joined = new InviteAccepted(invite!.GroupId, invite.Group!.Name, AlreadyMember: false);
        if (await IsMemberAsync(caller, invite.GroupId, cancellationToken))
        {
            return joined with { AlreadyMember = true };
        }

        if (!await context.Users.AnyAsync(u => u.Id == caller.Id, cancellationToken))
        {
            return Failure.NotFound("account", caller.Id);
        }

        var now = time.GetUtcNow();
        // The use and the membership commit together: a failed join does not spend a use.
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        // Count the use atomically: two people racing for the last use cannot both get it.
        var counted = await context.JoinTokens
            .Where(t => t.Id == invite.Id && t.Uses < t.MaxUses && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.Uses, t => t.Uses + 1).SetProperty(t => t.Version, t => t.Version + 1), cancellationToken);
        if (counted == 0)
        {
            return NotAccepted("The invite link has been used as often as it allows.");
        }

        var member = new GroupMember { GroupId = invite.GroupId, UserId = caller.Id, Role = GroupRole.Member, JoinedAt = now };
        context.GroupMembers.Add(member);
        context.AddTrailEvent(invite.GroupId, caller, TrailEventTypes.MemberJoined, now,
            new { userId = caller.Id, name = caller.Name, role = "member", invite = invite.Prefix });
        try
        {
            await context.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same person accepting twice at once: the other request made them a member, which is what they asked.
            await transaction.RollbackAsync(cancellationToken);
            context.ChangeTracker.Clear();
            if (!await IsMemberAsync(caller, invite.GroupId, cancellationToken))
            {
                throw;
            }

            return joined with { AlreadyMember = true };
        }

        return joined;
    }

    private async Task<(JoinToken? Invite, Failure? Problem)> FindUsableAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || !token.StartsWith(SecretToken.InvitePrefix, StringComparison.Ordinal))
        {
            return (null, NotAccepted(token?.StartsWith(SecretToken.JoinTokenPrefix, StringComparison.Ordinal) == true
                ? "This is an agent's join token: it registers an agent through the API and is not an invite for a person."
                : "This is not an invite link of this workspace."));
        }

        var hash = SecretToken.Hash(token);
        var invite = await context.JoinTokens.AsNoTracking().Include(t => t.Group)
            .SingleOrDefaultAsync(t => t.TokenHash == hash && t.Audience == JoinTokenAudience.Human, cancellationToken);
        var problem = invite switch
        {
            null => "The invite link is not known.",
            { RevokedAt: not null } => "The invite link was revoked.",
            _ when invite.ExpiresAt <= time.GetUtcNow() => "The invite link has expired. Ask a member of the group for a new one.",
            _ when invite.Uses >= invite.MaxUses => "The invite link has been used as often as it allows. Ask a member of the group for a new one.",
            _ => null,
        };
        return problem is null ? (invite, null) : (null, NotAccepted(problem));
    }

    private Task<bool> IsMemberAsync(Caller caller, Guid groupId, CancellationToken cancellationToken)
        => context.GroupMembers.AnyAsync(m => m.GroupId == groupId && m.UserId == caller.Id, cancellationToken);

    private static Failure NotAccepted(string detail) => new(FailureKind.Unauthorized, "Invite not accepted", detail);
}

/// <summary>A new invite link's token (shown once), when it expires and how many people it admits.</summary>
public sealed record InviteCreated(string Token, DateTimeOffset ExpiresAt, int MaxUses);

/// <summary>The group an invite leads to, as the person holding it may see it before accepting.</summary>
public sealed record InviteView(Guid GroupId, string GroupName, DateTimeOffset ExpiresAt, bool AlreadyMember);

public sealed record InviteAccepted(Guid GroupId, string GroupName, bool AlreadyMember);
