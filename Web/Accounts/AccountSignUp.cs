using System.Data;
using System.Data.Common;
using ClawGroups.Data.Accounts;
using ClawGroups.Data.Database;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Accounts;

/// <summary>Creating an account: the first one on an instance (the bootstrap owner aside) becomes its owner.</summary>
public static class AccountSignUp
{
    private const int Attempts = 5;

    /// <summary>
    /// Creates the account with its password. The "is anyone here yet" read and the insert share one serializable
    /// transaction, so two people signing up on a fresh instance at once cannot both become owner: on PostgreSQL the
    /// loser's transaction fails and is retried (and then sees the winner); SQLite runs write transactions one at a time.
    /// </summary>
    public static async Task<IdentityResult> CreateAccountAsync(
        this UserManager<ClawUser> users, ClawDbContext context, ClawUser user, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(user);
        for (var attempt = 1; ; attempt++)
        {
            await using var transaction = await context.Database.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
            try
            {
                user.IsInstanceOwner = !await context.Users.AnyAsync(u => u.Id != ClawUser.BootstrapOwnerId, cancellationToken);
                var result = await users.CreateAsync(user, password);
                if (!result.Succeeded)
                {
                    return result;
                }

                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (Exception exception) when (attempt < Attempts && IsTransient(exception))
            {
                // Disposing the transaction rolls it back (a failed commit has already ended it); then start afresh.
                context.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>A serialization failure or busy database, however EF Core wrapped it (it wraps transient errors twice).</summary>
    private static bool IsTransient(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException { IsTransient: true } or DbException { SqlState: "40001" })
            {
                return true;
            }
        }

        return false;
    }
}
