using ClawGroups.Coordinator.Access;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Credentials;
using ClawGroups.Data.Accounts;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Accounts;

/// <summary>A human's personal access tokens (<c>cg_pat_…</c>) for the API: created, listed and revoked by their owner only.</summary>
public sealed class AccessTokenService(ClawDbContext context, TimeProvider time)
{
    public const int MaxNameLength = 200;
    public const int MaxExpiresInDays = 366;

    public async Task<Outcome<AccessTokenCreated>> CreateAsync(
        Caller caller, CreateAccessTokenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (GroupAccess.RequireHuman(caller) is { } notHuman)
        {
            return notHuman;
        }

        var name = request.Name?.Trim();
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            errors["name"] = [$"A name is required, at most {MaxNameLength} characters long."];
        }

        if (request.ExpiresInDays is < 1 or > MaxExpiresInDays)
        {
            errors["expiresInDays"] = [$"expiresInDays must be between 1 and {MaxExpiresInDays}, or left out for a token that does not expire."];
        }

        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }

        if (!await context.Users.AnyAsync(u => u.Id == caller.Id, cancellationToken))
        {
            return Failure.NotFound("account", caller.Id);
        }

        var now = time.GetUtcNow();
        var token = SecretToken.Create(SecretToken.PersonalAccessTokenPrefix);
        var stored = new PersonalAccessToken
        {
            Id = Guid.CreateVersion7(now),
            UserId = caller.Id,
            Name = name!,
            Prefix = SecretToken.DisplayPrefix(token),
            TokenHash = SecretToken.Hash(token),
            CreatedAt = now,
            ExpiresAt = request.ExpiresInDays is { } days ? now.AddDays(days) : null,
        };
        context.PersonalAccessTokens.Add(stored);
        await context.SaveChangesAsync(cancellationToken);
        return new AccessTokenCreated(stored.Id, stored.Name, token, stored.ExpiresAt);
    }

    /// <summary>The caller's own tokens, newest first, revoked ones included so that a person sees what happened.</summary>
    public async Task<Outcome<IReadOnlyList<AccessTokenView>>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (GroupAccess.RequireHuman(caller) is { } notHuman)
        {
            return notHuman;
        }

        var tokens = await context.PersonalAccessTokens.AsNoTracking()
            .Where(t => t.UserId == caller.Id)
            .OrderByDescending(t => t.CreatedAt)
            .Select(t => new AccessTokenView(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt))
            .ToListAsync(cancellationToken);
        return tokens;
    }

    /// <summary>Revokes one of the caller's tokens; it stops authenticating at once. Revoking twice is not an error.</summary>
    public async Task<Outcome<bool>> RevokeAsync(Caller caller, Guid tokenId, CancellationToken cancellationToken)
    {
        if (GroupAccess.RequireHuman(caller) is { } notHuman)
        {
            return notHuman;
        }

        var now = time.GetUtcNow();
        var revoked = await context.PersonalAccessTokens
            .Where(t => t.Id == tokenId && t.UserId == caller.Id && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now), cancellationToken);
        if (revoked == 0 && !await context.PersonalAccessTokens.AnyAsync(t => t.Id == tokenId && t.UserId == caller.Id, cancellationToken))
        {
            // Someone else's token is reported exactly like a missing one: its existence is not the caller's business.
            return Failure.NotFound("access token", tokenId);
        }

        return true;
    }
}
