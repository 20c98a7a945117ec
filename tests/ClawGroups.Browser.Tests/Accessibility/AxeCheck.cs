using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace ClawGroups.Browser.Tests.Accessibility;

/// <summary>
/// Runs axe-core on what a page shows against WCAG 2.0, 2.1 and 2.2 at levels A and AA, and fails on any serious or
/// critical violation, naming each one (rule, impact, element, what to fix) so the message alone says what to change.
/// One instance per test: it gathers the violations of every page the test checks.
/// </summary>
public sealed class AxeCheck(string script)
{
    private const string Run = """
        async () => {
            const results = await axe.run(document, {
                runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
                resultTypes: ['violations'],
            });
            return results.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({
                    id: v.id,
                    impact: v.impact,
                    help: v.help,
                    nodes: v.nodes.map(n => ({ target: n.target.join(' '), summary: n.failureSummary ?? '' })),
                }));
        }
        """;

    // Transitions (a drawer sliding in, a theme fading over) are measured mid-way otherwise; endless ones (a spinner) never end.
    // A snackbar's fade-in starts a render after it appears, so an appearing one counts as moving until it is fully opaque.
    private const string Settled = """
        () => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)
            && [...document.querySelectorAll('.mud-snackbar')].every(s => getComputedStyle(s).opacity === '1')
        """;

    private readonly List<string> _failures = [];

    /// <summary>Checks the page as it is now and keeps what fails, so one run names the violations of every page.</summary>
    public async Task CheckAsync(IPage page, string what)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.WaitForFunctionAsync(Settled, null, new() { Timeout = 10_000 });
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
        {
            await page.AddScriptTagAsync(new() { Content = script });
        }

        var found = await page.EvaluateAsync<JsonElement>(Run);
        var violations = found.Deserialize<Violation[]>(JsonSerializerOptions.Web)!;
        if (violations.Length > 0)
        {
            _failures.Add(Describe(what, violations));
        }
    }

    /// <summary>Fails, naming each one, if any page checked had a serious or critical violation.</summary>
    public void AssertNoSeriousViolations()
        => Assert.True(_failures.Count == 0, string.Join("\n\n", _failures));

    private static string Describe(string what, IEnumerable<Violation> violations)
    {
        var text = new StringBuilder($"{what}: serious or critical WCAG 2.2 AA violations found by axe-core");
        foreach (var violation in violations)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n- {violation.Id} ({violation.Impact}): {violation.Help}");
            foreach (var node in violation.Nodes)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n    at {node.Target}\n      {node.Summary.ReplaceLineEndings("\n      ")}");
            }
        }

        return text.ToString();
    }

    private sealed record Violation(string Id, string Impact, string Help, ViolationNode[] Nodes);

    private sealed record ViolationNode(string Target, string Summary);
}
