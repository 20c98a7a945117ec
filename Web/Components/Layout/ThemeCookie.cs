namespace ClawGroups.Web.Components.Layout;

/// <summary>
/// Where a person's light or dark choice is remembered: a cookie (written by <c>wwwroot/theme.js</c>), because the
/// server reads it when it renders a page, so a reload opens in the chosen theme instead of flashing the other one first.
/// </summary>
public static class ThemeCookie
{
    /// <summary>The cookie's name; theme.js writes the same one.</summary>
    public const string Name = "claw-theme";

    public const string Dark = "dark";

    public static bool IsDark(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Cookies[Name] == Dark;
    }
}
