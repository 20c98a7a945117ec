using Bunit;
using ClawGroups.Web.Components.Layout;
using MudBlazor;

namespace ClawGroups.Web.Tests.Components;

public sealed class SharedThemeProviderTests : ComponentTest
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Renders_what_MudBlazors_theme_provider_renders(bool darkMode)
    {
        var mud = Render<MudThemeProvider>(p => p.Add(t => t.Theme, ClawTheme.Shared).Add(t => t.IsDarkMode, darkMode));
        var shared = Render<SharedThemeProvider>(p => p.Add(t => t.Theme, ClawTheme.Shared).Add(t => t.IsDarkMode, darkMode));

        Assert.Contains("--mud-palette-primary", shared.Markup, StringComparison.Ordinal);
        shared.MarkupMatches(mud.Markup);
    }

    [Fact]
    public void Light_and_dark_are_different_sheets_and_a_circuit_switching_mode_gets_the_other()
    {
        var first = Render<SharedThemeProvider>(p => p.Add(t => t.Theme, ClawTheme.Shared).Add(t => t.IsDarkMode, false));
        var second = Render<SharedThemeProvider>(p => p.Add(t => t.Theme, ClawTheme.Shared).Add(t => t.IsDarkMode, false));
        var dark = Render<SharedThemeProvider>(p => p.Add(t => t.Theme, ClawTheme.Shared).Add(t => t.IsDarkMode, true));

        Assert.Equal(first.Markup, second.Markup);
        Assert.NotEqual(first.Markup, dark.Markup);

        // Switching a circuit's mode renders the other sheet.
        first.Render(p => p.Add(t => t.Theme, ClawTheme.Shared).Add(t => t.IsDarkMode, true));
        Assert.Equal(dark.Markup, first.Markup);
    }

    [Fact]
    public void Holds_no_default_theme_of_its_own()
    {
        var provider = Render<SharedThemeProvider>(p => p.Add(t => t.Theme, ClawTheme.Shared).Add(t => t.IsDarkMode, false));

        // MudThemeProvider makes a default theme for each instance; every circuit would hold one (SharedThemeProvider.OwnDefaultTheme).
        Assert.NotNull(SharedThemeProvider.OwnDefaultTheme);
        Assert.Same(ClawTheme.Shared, SharedThemeProvider.OwnDefaultTheme.GetValue(provider.Instance));
    }
}
