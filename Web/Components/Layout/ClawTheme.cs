using MudBlazor;

namespace ClawGroups.Web.Components.Layout;

/// <summary>The one theme of the workspace, light and dark. System fonts: the app must work with no network.</summary>
public static class ClawTheme
{
    private const string OnDarkColour = "#0B0B19";

    /// <summary>
    /// One instance for every circuit: a theme is only read once built, and each circuit's own copy held about a hundred
    /// colour objects of its own (MudColor 220 → 107 a circuit in the `circuits` benchmark's heap dump; issue 17).
    /// </summary>
    public static MudTheme Shared { get; } = Create();

    private static MudTheme Create() => new()
    {
        // WCAG 2.2 AA: every colour is at least 4.5:1 against white text on it (filled buttons and chips) and against the
        // page and surface behind it (outlined buttons, links); MudBlazor's brighter defaults are not.
        PaletteLight = new PaletteLight
        {
            Primary = "#4F46E5",
            Secondary = "#0369A1",
            Tertiary = "#B45309",
            Info = "#1565C0",
            Success = "#2E7D32",
            Warning = "#B45309",
            Error = "#C62828",
            TextSecondary = "rgba(0,0,0,0.6)",
            AppbarBackground = "#1E1B4B",
            Background = "#F8FAFC",
            DrawerBackground = "#FFFFFF",
        },
        // Dark: light colours read well on the dark page, so text on them is the page's near-black (white on them is under 3:1).
        PaletteDark = new PaletteDark
        {
            Primary = "#818CF8",
            PrimaryContrastText = OnDarkColour,
            Secondary = "#38BDF8",
            SecondaryContrastText = OnDarkColour,
            Tertiary = "#FBBF24",
            TertiaryContrastText = OnDarkColour,
            Info = "#38BDF8",
            InfoContrastText = OnDarkColour,
            Success = "#4ADE80",
            SuccessContrastText = OnDarkColour,
            Warning = "#FBBF24",
            WarningContrastText = OnDarkColour,
            Error = "#F87171",
            ErrorContrastText = OnDarkColour,
            AppbarBackground = "#111127",
            Background = "#0B0B19",
            Surface = "#16162B",
            DrawerBackground = "#111127",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px" },
    };
}
