using ClawGroups.Data.Accounts;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Accounts;

/// <summary>
/// The built-in owner account that <c>ClawGroups:BootstrapToken</c> signs in as. It exists as a row so that
/// what it creates (groups, work items) has a real author in the trail.
/// </summary>
public static class BootstrapOwner
{
    public const string UserName = "owner";

    public static ClawUser Account(DateTimeOffset now) => new()
    {
        Id = ClawUser.BootstrapOwnerId,
        UserName = UserName,
        NormalizedUserName = UserName.ToUpperInvariant(),
        DisplayName = "Owner (bootstrap token)",
        IsInstanceOwner = true,
        CreatedAt = now,
        SecurityStamp = Guid.NewGuid().ToString("N"),
        ConcurrencyStamp = Guid.NewGuid().ToString("N"),
    };

    /// <summary>Creates the account if it is missing; safe to run on every start and on several nodes at once.</summary>
    public static async Task EnsureExistsAsync(ClawDbContext context, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await context.Users.AnyAsync(u => u.Id == ClawUser.BootstrapOwnerId, cancellationToken))
        {
            return;
        }

        var account = Account(now);
        context.Users.Add(account);
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node may have created it between our read and our write; then all is well.
            context.Entry(account).State = EntityState.Detached;
            if (!await context.Users.AsNoTracking().AnyAsync(u => u.Id == ClawUser.BootstrapOwnerId, cancellationToken))
            {
                throw;
            }
        }
    }
}
