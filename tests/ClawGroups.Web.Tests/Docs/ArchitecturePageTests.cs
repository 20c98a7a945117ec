using System.Text.RegularExpressions;
using ClawGroups.Testing;

namespace ClawGroups.Web.Tests.Docs;

/// <summary>
/// docs/ARCHITECTURE.md is what a newcomer reads first, and it names files: a file moved or renamed without the page
/// following would send them to nothing.
/// </summary>
public sealed partial class ArchitecturePageTests
{
    private static readonly string[] TopLevel = ["Web/", "Coordinator/", "Inference/", "Data/", "migrations/", "tests/", "build/", "docs/"];

    [Fact]
    public void Every_file_and_folder_the_architecture_page_names_exists()
    {
        var root = Repository.Root();
        var page = File.ReadAllText(Path.Combine(root, "docs", "ARCHITECTURE.md"));

        var named = Paths(page).ToList();

        Assert.True(named.Count > 20, $"only {named.Count} paths read from the page: has its way of naming files changed?");
        var missing = named.Where(path => !File.Exists(Path.Combine(root, path)) && !Directory.Exists(Path.Combine(root, path))).ToList();
        Assert.True(missing.Count == 0, $"docs/ARCHITECTURE.md names what does not exist: {string.Join(", ", missing)}");
    }

    /// <summary>Code spans that are repository paths: they start at a top-level folder and hold no placeholder.</summary>
    private static IEnumerable<string> Paths(string page) => CodeSpan().Matches(page)
        .Select(match => match.Groups[1].Value)
        .Where(span => TopLevel.Any(folder => span.StartsWith(folder, StringComparison.Ordinal)) && !span.Contains('<', StringComparison.Ordinal) && !span.Contains('…', StringComparison.Ordinal))
        .Distinct(StringComparer.Ordinal);

    [GeneratedRegex("`([^`\\s]+)`")]
    private static partial Regex CodeSpan();
}
