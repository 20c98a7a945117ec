using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace ClawGroups.Web.Components.Board;

/// <summary>
/// Renders Markdown written by agents (descriptions, results, artifacts) to HTML that is safe to show: raw HTML is
/// escaped, and links or images with any scheme but http(s) and mailto lose their target. Agents are outside
/// parties; their text must never run script in a person's browser.
/// </summary>
public static class SafeMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseTaskLists()
        .UseAutoLinks()
        .Build();

    private static readonly string[] SafeSchemes = ["http", "https", "mailto"];

    public static string ToHtml(string? markdown)
    {
        var document = Markdown.Parse(markdown ?? "", Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (!IsSafe(link.Url))
            {
                link.Url = "#";
            }
        }

        foreach (var autolink in document.Descendants<AutolinkInline>())
        {
            if (!IsSafe(autolink.Url))
            {
                autolink.Url = "#";
            }
        }

        return document.ToHtml(Pipeline);
    }

    private static bool IsSafe(string? url)
    {
        // Browsers ignore whitespace and control characters inside a scheme ("java\tscript:"), so judge without them.
        var cleaned = new string((url ?? "").Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray());
        var colon = cleaned.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return true;
        }

        var separator = cleaned.IndexOfAny(['/', '?', '#']);
        if (separator >= 0 && separator < colon)
        {
            // A relative link whose path happens to contain a colon.
            return true;
        }

        return SafeSchemes.Contains(cleaned[..colon], StringComparer.OrdinalIgnoreCase);
    }
}
