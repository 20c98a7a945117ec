using Microsoft.AspNetCore.Identity;

namespace ClawGroups.Web.Components.Account;

/// <summary>Identity's rules and refusals as the account pages show them.</summary>
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

    /// <summary>The password rules Identity is configured with, in one sentence, so sign-up shows them before the first try.</summary>
    public static string PasswordRules(PasswordOptions rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var kinds = new List<string>();
        if (rules.RequireUppercase)
        {
            kinds.Add("a capital letter");
        }

        if (rules.RequireLowercase)
        {
            kinds.Add("a small letter");
        }

        if (rules.RequireDigit)
        {
            kinds.Add("a digit");
        }

        if (rules.RequireNonAlphanumeric)
        {
            kinds.Add("a symbol such as ! or #");
        }

        var sentence = $"At least {rules.RequiredLength} characters";
        if (kinds.Count > 0)
        {
            sentence += ", with " + (kinds.Count == 1 ? kinds[0] : string.Join(", ", kinds[..^1]) + " and " + kinds[^1]);
        }

        if (rules.RequiredUniqueChars > 1)
        {
            sentence += $", and {rules.RequiredUniqueChars} different characters or more";
        }

        return sentence + ".";
    }
}
