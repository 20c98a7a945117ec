using Microsoft.AspNetCore.Identity;

namespace ClawGroups.Web.Components.Account;

/// <summary>Identity's refusals as the account pages show them.</summary>
public static class AccountPages
{
    /// <summary>Identity's errors as sentences a person can act on, each once (the email is also the user name).</summary>
    public static IReadOnlyList<string> Describe(IdentityResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Errors
            .Select(e => e.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName)
                ? "An account with this email already exists. Sign in instead."
                : e.Description)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }
}
