using System.Security.Claims;
using ClawGroups.Coordinator.Groups;

namespace ClawGroups.Web.Accounts;

/// <summary>
/// An invite link (<c>/invites/{token}</c>) opened signed out comes to sign-in or sign-up as the return URL: those pages
/// say which group it joins, and signing in or up through them accepts it and lands on the group.
/// </summary>
public static class InviteLink
{
    public const string PathPrefix = "/invites/";

    /// <summary>The invite token a return URL carries, or null when it leads anywhere else.</summary>
    public static string? TokenOf(string? returnUrl)
    {
        if (!LocalUrl.IsLocal(returnUrl) || !returnUrl!.StartsWith(PathPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = Uri.UnescapeDataString(returnUrl[PathPrefix.Length..].Split('?', '#')[0]);
        return token.Length > 0 && !token.Contains('/', StringComparison.Ordinal) ? token : null;
    }

    /// <summary>
    /// Where a person who just signed in or up goes: the group, when the return URL was an invite they could accept (the
    /// sign-in form said so, and posting it was their consent); otherwise the return URL, where the invite page explains a refusal.
    /// </summary>
    public static async Task<string> LandingAsync(InviteService invites, ClaimsPrincipal person, string? returnUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invites);
        ArgumentNullException.ThrowIfNull(person);
        if (TokenOf(returnUrl) is not { } token)
        {
            return LocalUrl.OrRoot(returnUrl);
        }

        var accepted = await invites.AcceptInviteAsync(person.ToCaller(), token, cancellationToken);
        return accepted.Succeeded ? $"/groups/{accepted.Value!.GroupId}" : returnUrl!;
    }
}
