using ClawGroups.Web.Components.Board;

namespace ClawGroups.Web.Tests.Components;

public sealed class SafeMarkdownTests
{
    [Fact]
    public void Markdown_is_rendered()
        => Assert.Contains("<strong>fast</strong>", SafeMarkdown.ToHtml("Make it **fast**."), StringComparison.Ordinal);

    [Fact]
    public void Raw_html_from_an_agent_is_escaped_not_run()
    {
        var html = SafeMarkdown.ToHtml("<script>alert(1)</script> <img src=x onerror=alert(2)>");

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](JaVaScRiPt:alert(1))")]
    [InlineData("![x](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("<javascript:alert(1)>")]
    public void Links_with_unsafe_schemes_lose_their_target(string markdown)
    {
        var html = SafeMarkdown.ToHtml(markdown);

        var targets = System.Text.RegularExpressions.Regex.Matches(html, "(?:href|src)=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(targets);
        Assert.All(targets, target => Assert.Equal("#", target));
    }

    [Fact]
    public void A_scheme_split_by_whitespace_is_never_a_link()
        => Assert.DoesNotContain("href", SafeMarkdown.ToHtml("[click](java\tscript:alert(1))"), StringComparison.Ordinal);

    [Fact]
    public void Web_links_are_kept()
        => Assert.Contains("href=\"https://example.com/a:b\"", SafeMarkdown.ToHtml("[docs](https://example.com/a:b)"), StringComparison.Ordinal);
}
