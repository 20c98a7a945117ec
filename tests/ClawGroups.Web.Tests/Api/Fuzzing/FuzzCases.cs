using System.Text.Json;

namespace ClawGroups.Web.Tests.Api.Fuzzing;

/// <summary>The requests' variations: the systematic pass over every field of every endpoint, and random ones.</summary>
internal static class FuzzCases
{
    /// <summary>Edges for numbers that are not usage: enough to cross each type's range once.</summary>
    private static readonly string[] ShortNumbers = ["-1", "1.5", "2147483648", "9223372036854775808", "79228162514264337593543950336", "1e309", "\"NaN\"", "\"12\""];

    /// <summary>
    /// The valid body, then every leaf in turn with the edge values of its kind (numbers from the edges of int, long, decimal
    /// and double, all of them for usage and fraction; strings with a NUL, far too long, or not strings), and broken bodies;
    /// or every fuzzed query value.
    /// </summary>
    public static IEnumerable<(string Variation, string? Body, string? Query)> Systematic(FuzzOperation operation)
    {
        if (operation.Template is { } template)
        {
            yield return ("valid", template.Valid(), null);
            foreach (var (path, kind) in template.Leaves)
            {
                IEnumerable<string> values = kind switch
                {
                    JsonValueKind.Number when path.StartsWith("usage", StringComparison.Ordinal) || path == "fraction" => FuzzValues.Numbers,
                    JsonValueKind.Number => ShortNumbers,
                    JsonValueKind.String => FuzzValues.StringEdges,
                    JsonValueKind.Null => [FuzzValues.Json(Guid.NewGuid().ToString()), FuzzValues.Json("not-a-guid"), "123"],
                    _ => ["null", "\"true\"", "1"],
                };
                foreach (var value in values)
                    yield return ($"{path} = {value}", template.With(path, value), null);
            }

            yield return ("whole body {", "{", null);
            yield return ("whole body []", "[]", null);
        }
        else if (operation.QueryValues is { } queries)
        {
            foreach (var query in queries)
                yield return ($"{operation.QueryName}={query}", null, query);
        }
        else
        {
            yield return ("valid", null, null);
        }
    }

    public static (string Variation, string? Body) Random(FuzzOperation operation, Random random)
    {
        if (operation.Template is not { } template)
            return random.Next(10) == 0 ? ("unexpected body", random.Pick(FuzzValues.Bodies)) : ("valid", null);
        var leaves = template.Leaves;
        switch (random.Next(20))
        {
            case < 4:
                return ("valid", template.Valid());
            case < 6:
                var whole = random.Pick(FuzzValues.Bodies);
                return ("whole body", whole);
            case < 8:
                var (removed, _) = random.Pick(leaves);
                return ($"{removed} left out", template.Without(removed));
            case 8:
                var extra = random.Pick(FuzzValues.Strings);
                return ($"unknown field = {extra}", template.WithExtra("unknownField", extra));
            default:
                var (path, kind) = random.Pick(leaves);
                var value = random.Next(5) == 0 ? random.Pick(FuzzValues.WrongTypes)
                    : kind == JsonValueKind.Number ? random.Pick(FuzzValues.Numbers)
                    : random.Pick(FuzzValues.Strings);
                return ($"{path} = {value}", template.With(path, value));
        }
    }
}
