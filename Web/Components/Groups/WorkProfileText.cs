using System.Globalization;
using System.Text;
using System.Text.Json;
using ClawGroups.Coordinator.Groups;

namespace ClawGroups.Web.Components.Groups;

/// <summary>
/// The profile form's skills as a person types them — one per line, <c>Name: tag, tag</c> — and the profile body the API
/// takes, so that the form and <c>PUT members/me</c> go through the same checks (<see cref="PersonProfileService"/>).
/// </summary>
public static class WorkProfileText
{
    public static string Write(IEnumerable<SkillView> skills)
        => string.Join('\n', skills.Select(s => s.Tags.Count == 0 ? s.Name : $"{s.Name}: {string.Join(", ", s.Tags)}"));

    public static JsonElement Body(string skillsText, int capacity, bool acceptsWork)
    {
        var skills = (skillsText ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line =>
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var name = (colon < 0 ? line : line[..colon]).Trim();
                var tags = colon < 0 ? [] : line[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                return new { id = IdOf(name), name, tags };
            })
            .Where(s => s.id.Length > 0)
            .DistinctBy(s => s.id)
            .ToList();
        return JsonSerializer.SerializeToElement(new { skills, capacity, acceptsWork }, JsonSerializerOptions.Web);
    }

    /// <summary>A skill's id from its name: lower case, words joined by hyphens ("Visual design" → "visual-design").</summary>
    public static string IdOf(string name)
    {
        var id = new StringBuilder(name.Length);
        foreach (var c in name.Trim().ToLower(CultureInfo.InvariantCulture))
        {
            if (char.IsLetterOrDigit(c))
            {
                id.Append(c);
            }
            else if (id.Length > 0 && id[^1] != '-')
            {
                id.Append('-');
            }
        }

        return id.ToString().TrimEnd('-');
    }
}
