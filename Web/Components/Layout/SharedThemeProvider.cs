using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using ClawGroups.Web.Components.Shared;
using Microsoft.AspNetCore.Components.Rendering;
using MudBlazor;

namespace ClawGroups.Web.Components.Layout;

/// <summary>
/// MudBlazor's theme provider, with its style sheet written once per theme and mode for the whole node. MudThemeProvider
/// writes the theme's CSS variables (some 12,000 characters) as a string of its own in every circuit, held for as long as
/// the circuit lives, though every circuit shows one of the same two sheets (light, dark); this writes what the provider
/// renders once and places it in each circuit as one shared piece of markup (decision 0035). Everything else the provider
/// does (watching the system's dark mode, its parameters) is MudBlazor's own.
/// </summary>
public sealed class SharedThemeProvider : MudThemeProvider
{
    // Per theme (a theme a layout holds for the process; the entry goes with it) and per mode and scrollbar setting.
    private static readonly ConditionalWeakTable<MudTheme, ConcurrentDictionary<(bool DarkMode, bool DefaultScrollbar), string>> Sheets = new();

    /// <summary>
    /// MudThemeProvider's own default theme, made for every instance (its fallback when no theme is given: two palettes of
    /// some fifty colours each, typography, shadows) and kept for the circuit's life, though the layout always gives one:
    /// the last ~107 colour objects of each circuit's heap (ClawTheme). Found by name, as MudBlazor 9 calls it; a MudBlazor
    /// that renames it leaves each circuit holding its copy again, and fails SharedThemeProviderTests.
    /// </summary>
    internal static readonly FieldInfo? OwnDefaultTheme = typeof(MudThemeProvider).GetField("_originalMudTheme", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>The provider's own default theme becomes the shared one; the one its constructor made goes with the next collection.</summary>
    public SharedThemeProvider()
    {
        if (OwnDefaultTheme?.FieldType == typeof(MudTheme))
        {
            OwnDefaultTheme.SetValue(this, ClawTheme.Shared);
        }
    }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // The parameters as the layout set them (MUD0010 asks for MudBlazor's parameter state, which is private to the base
        // class; the two differ only while the provider follows the system's dark mode itself, which the layout does not ask).
#pragma warning disable MUD0010
        var sheets = Sheets.GetValue(Theme ?? GetTheme(), _ => new());
        var sheet = sheets.GetOrAdd((IsDarkMode, DefaultScrollbar), _ => FragmentHtml.Of(base.BuildRenderTree));
#pragma warning restore MUD0010
        builder.AddMarkupContent(0, sheet);
    }
}
