using System.Text.RegularExpressions;

namespace ClawGroups.Web.Tests.Api.Contract;

/// <summary>
/// Reads the endpoints out of docs/API.md by three rules, so that the contract stays prose a person writes:
/// <list type="number">
/// <item>An endpoint is code (in backticks) that starts with a method in capitals and a path: <c>`POST /api/v1/groups`</c>.
/// The path ends at the first space, backtick or <c>?</c>.</item>
/// <item>Code that is a bare path, after " and " or " or " on the same line as an endpoint, is a sibling of that
/// endpoint: <c>`POST /api/v1/work-items/{id}/pause` and `/resume`</c> names <c>POST …/{id}/resume</c>. It replaces as
/// many trailing segments of the endpoint's path as it has.</item>
/// <item>An endpoint is not built when its line says <c>**not served yet**</c>, or when its section (from the
/// heading above it to the next heading) has a line starting <c>&gt; **Not served yet**</c>.</item>
/// </list>
/// </summary>
internal static partial class ContractDocument
{
    private const string NotServedMarker = "**not served yet**";

    public static IReadOnlyList<ContractEndpoint> Endpoints(string markdown)
    {
        var endpoints = new List<ContractEndpoint>();
        foreach (var section in Sections(markdown))
        {
            var sectionBuilt = !section.Any(line => line.TrimStart().StartsWith("> " + NotServedMarker, StringComparison.OrdinalIgnoreCase));
            foreach (var line in section)
            {
                var built = sectionBuilt && !line.Contains(NotServedMarker, StringComparison.OrdinalIgnoreCase);
                endpoints.AddRange(EndpointsOn(line).Select(e => e with { Built = built }));
            }
        }

        return endpoints;
    }

    private static IEnumerable<List<string>> Sections(string markdown)
    {
        var section = new List<string>();
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith('#') && section.Count > 0)
            {
                yield return section;
                section = [];
            }

            section.Add(line.TrimEnd('\r'));
        }

        yield return section;
    }

    private static IEnumerable<ContractEndpoint> EndpointsOn(string line)
    {
        ContractEndpoint? previous = null;
        foreach (Match code in CodeSpan().Matches(line))
        {
            var text = code.Groups["code"].Value;
            var endpoint = EndpointCode().Match(text);
            if (endpoint.Success)
            {
                previous = new ContractEndpoint(endpoint.Groups["method"].Value, PathOf(endpoint.Groups["path"].Value), Built: true);
                yield return previous;
            }
            else if (previous is not null && text.StartsWith('/') && SiblingJoin().IsMatch(line[..code.Index]))
            {
                yield return previous with { Path = Sibling(previous.Path, PathOf(text)) };
            }
        }
    }

    private static string PathOf(string text) => text.Split(' ', '?')[0];

    private static string Sibling(string path, string tail)
    {
        var segments = path.Split('/');
        var replaced = tail.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('/', segments[..^replaced.Length].Concat(replaced));
    }

    [GeneratedRegex("`(?<code>[^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^(?<method>GET|POST|PUT|PATCH|DELETE) (?<path>/\S*)")]
    private static partial Regex EndpointCode();

    [GeneratedRegex(@"\s(and|or)\s$")]
    private static partial Regex SiblingJoin();
}
