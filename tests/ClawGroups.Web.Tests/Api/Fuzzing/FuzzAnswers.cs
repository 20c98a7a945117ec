using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ClawGroups.Web.Tests.Api.Fuzzing;

/// <summary>What an answer must look like, and what names a failure in the server's log.</summary>
internal static partial class FuzzAnswers
{
    /// <summary>RFC 7807: <c>application/problem+json</c>, a JSON object, and its <c>status</c>, when given, the answer's.</summary>
    public static bool IsProblem(FuzzResponse response)
    {
        if (response.ContentType != "application/problem+json")
            return false;
        try
        {
            using var document = JsonDocument.Parse(response.Body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                   && (!root.TryGetProperty("status", out var status) || (status.TryGetInt32(out var code) && code == response.Status));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static bool IsJson(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>What names the defect: the first exception the server logged (its type and message), else its first error line.</summary>
    public static string FirstLine(IReadOnlyList<string> logged)
    {
        if (logged.FirstOrDefault(entry => entry.Contains(" — ", StringComparison.Ordinal)) is { } failure)
        {
            // "DbUpdateException: … see the inner exception" says nothing: the innermost exception names the defect.
            var lines = failure.Split(" — ")[^1].Split(" | ");
            return FuzzRequest.Shorten(lines.LastOrDefault(line => line.StartsWith("--->", StringComparison.Ordinal))?[4..].Trim() ?? lines[0]);
        }

        return logged.Count == 0 ? "nothing logged" : FuzzRequest.Shorten(Milliseconds().Replace(logged[0], "(…)"));
    }

    [GeneratedRegex(@"\(\d+ms\)")]
    private static partial Regex Milliseconds();

    /// <summary>The same JSON, but for the trace id a problem body carries per request.</summary>
    public static bool SameJson(string first, string second)
    {
        if (first == second)
            return true;
        try
        {
            var a = JsonNode.Parse(first);
            var b = JsonNode.Parse(second);
            (a as JsonObject)?.Remove("traceId");
            (b as JsonObject)?.Remove("traceId");
            return JsonNode.DeepEquals(a, b);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
