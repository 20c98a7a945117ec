using System.Text.RegularExpressions;

namespace ClawGroups.Web.Tests.Api.Fuzzing;

/// <summary>
/// What the fuzz found, one entry per distinct defect: the same kind of failure with the same exception counts once, with
/// the first request that showed it (the cause, when later ones are its consequences), the answer, what the server
/// logged, and the endpoints and values that hit it too.
/// </summary>
internal sealed partial class FuzzFindings
{
    private readonly Dictionary<string, Finding> _findings = new(StringComparer.Ordinal);

    public int Count => _findings.Count;

    public void Add(string signature, string details, string? operation = null, string? variation = null)
    {
        // Ids and quoted values differ from request to request; the defect does not.
        var key = QuotedValues().Replace(Ids().Replace(signature, "{id}"), "\"…\"");
        if (!_findings.TryGetValue(key, out var finding))
            _findings[key] = finding = new Finding(details);
        finding.Count++;
        if (operation is not null && finding.Hits.Count < 12)
            finding.Hits.Add(variation is null ? operation : $"{operation} ({FuzzRequest.Shorten(variation)})");
    }

    public string Report() => string.Join("\n\n", _findings.Select(f =>
        $"[{f.Key}] ×{f.Value.Count}{(f.Value.Hits.Count > 1 ? "; also " + string.Join("; ", f.Value.Hits.Skip(1)) : "")}\n{f.Value.First}"));

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Ids();

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex QuotedValues();

    private sealed class Finding(string first)
    {
        public string First { get; } = first;

        public int Count { get; set; }

        public HashSet<string> Hits { get; } = new(StringComparer.Ordinal);
    }
}
