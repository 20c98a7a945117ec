using MudBlazor;

namespace ClawGroups.Web.Components.Layout;

/// <summary>The one theme of the workspace, light and dark. System fonts: the app must work with no network.</summary>
public static class ClawTheme
{
    public static MudTheme Create() => new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#4F46E5",
            Secondary = "#0EA5E9",
            Tertiary = "#F59E0B",
            AppbarBackground = "#1E1B4B",
            Background = "#F8FAFC",
            DrawerBackground = "#FFFFFF",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#818CF8",
            Secondary = "#38BDF8",
            Tertiary = "#FBBF24",
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
