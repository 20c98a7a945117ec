namespace ClawGroups.Web.Accounts;

/// <summary>Where a sign-in may send a person afterwards: only back into this app, never to another site (open redirect).</summary>
public static class LocalUrl
{
    /// <summary>The URL if it is a path in this app (<c>/…</c>, not <c>//host</c> or <c>/\host</c>); otherwise <c>/</c>.</summary>
    public static string OrRoot(string? url)
        => IsLocal(url) ? url! : "/";

    public static bool IsLocal(string? url)
        => !string.IsNullOrEmpty(url)
           && url[0] == '/'
           && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
           && !url.Any(char.IsControl);

    /// <summary>The page at <paramref name="path"/>, passing on where to go afterwards when that is a path in this app.</summary>
    public static string WithReturnUrl(string path, string? returnUrl)
        => IsLocal(returnUrl) && returnUrl != "/" ? $"{path}?returnUrl={Uri.EscapeDataString(returnUrl!)}" : path;
}
