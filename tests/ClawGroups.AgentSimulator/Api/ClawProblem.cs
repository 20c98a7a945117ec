using System.Text.Json;

namespace ClawGroups.AgentSimulator.Api;

/// <summary>An RFC 7807 problem body: the standard members, and every other member as it came.</summary>
public sealed record ClawProblem(
    string? Type,
    string? Title,
    int? Status,
    string? Detail,
    string? Instance,
    IReadOnlyDictionary<string, JsonElement> Extensions)
{
    private static readonly HashSet<string> StandardMembers = ["type", "title", "status", "detail", "instance"];

    /// <summary>Reads a problem body; null when the body is not a JSON object.</summary>
    public static ClawProblem? TryParse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
            return null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return null;
            var extensions = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var member in root.EnumerateObject())
            {
                if (!StandardMembers.Contains(member.Name))
                    extensions[member.Name] = member.Value.Clone();
            }
            return new ClawProblem(
                String(root, "type"),
                String(root, "title"),
                root.TryGetProperty("status", out var status) && status.TryGetInt32(out var code) ? code : null,
                String(root, "detail"),
                String(root, "instance"),
                extensions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>An extension member read as a string (e.g. <c>state</c> on a 409 for a late result).</summary>
    public string? GetString(string name) =>
        Extensions.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
