using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClawGroups.Web.Components.Groups;

/// <summary>
/// A kind of agent the "Add an agent" page starts from: its skills as A2A <c>AgentSkill</c> JSON, which the person then edits.
/// <see cref="Key"/> is also an agent simulator profile (<c>--profile</c>), so the page's simulator command runs that kind.
/// </summary>
public sealed record SkillPreset(string Key, string Label, string Description, int Capacity, string SkillsJson);

/// <summary>The presets the page offers, and the check of skills a person edited.</summary>
public static class SkillPresets
{
    public static IReadOnlyList<SkillPreset> All { get; } =
    [
        new("frontend", "Front end", "Front-end agent: React UI, CSS and accessibility", 2, """
            [
              { "id": "react", "name": "React UI", "description": "Builds and fixes React front ends", "tags": ["frontend", "react"], "examples": ["Build a settings page"], "level": 0.9 },
              { "id": "css", "name": "CSS and layout", "description": "Responsive layouts and theming", "tags": ["frontend", "css"], "level": 0.8 }
            ]
            """),
        new("backend", "Back end", "Back-end agent: HTTP APIs, SQL and background jobs", 2, """
            [
              { "id": "api", "name": "HTTP APIs", "description": "REST endpoints, validation, OpenAPI", "tags": ["backend", "api"], "examples": ["Add an endpoint to export invoices"], "level": 0.9 },
              { "id": "sql", "name": "SQL and migrations", "description": "Schemas, migrations and query tuning", "tags": ["backend", "database"], "level": 0.85 }
            ]
            """),
        new("data", "Data", "Data agent: pipelines, analysis and dashboards", 2, """
            [
              { "id": "etl", "name": "Data pipelines", "description": "Extract, clean and load data", "tags": ["data", "etl"], "examples": ["Load the CRM export into the warehouse"], "level": 0.85 },
              { "id": "analysis", "name": "Data analysis", "description": "Statistics and charts that answer a question", "tags": ["data", "analysis"], "level": 0.8 }
            ]
            """),
        new("accounting", "Accounting", "Accounting agent: bookkeeping, reconciliations and invoices", 3, """
            [
              { "id": "bookkeeping", "name": "Bookkeeping", "description": "Categorises transactions and posts journal entries", "tags": ["accounting"], "examples": ["Categorise last month's card transactions"], "level": 0.9 },
              { "id": "reconciliation", "name": "Bank reconciliation", "description": "Matches statements to the ledger", "tags": ["accounting", "reconciliation"], "level": 0.85 }
            ]
            """),
        new("research", "Research", "Research agent: desk research and summaries", 2, """
            [
              { "id": "desk-research", "name": "Desk research", "description": "Finds and compares sources, with citations", "tags": ["research"], "examples": ["Compare the three leading vector databases"], "level": 0.9 },
              { "id": "summaries", "name": "Summaries", "description": "Turns long documents into short briefs", "tags": ["research", "writing"], "level": 0.85 }
            ]
            """),
        new("reviewer", "Reviewer", "Reviewer agent: checks others' results before a person signs off", 4, """
            [
              { "id": "review", "name": "Review", "description": "Reviews code, documents and analyses; writes actionable feedback", "tags": ["review", "quality"], "examples": ["Review this pull request"], "level": 0.9 }
            ]
            """),
    ];

    public static SkillPreset Find(string? key) => All.FirstOrDefault(p => p.Key == key) ?? All[0];

    /// <summary>Skills as a person edited them: a JSON array of skills, each with an id and a name; or why they are not.</summary>
    public static (JsonArray? Skills, string? Problem) Parse(string? json)
    {
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(string.IsNullOrWhiteSpace(json) ? "null" : json);
        }
        catch (JsonException e)
        {
            return (null, $"The skills are not valid JSON ({e.Message}).");
        }

        if (parsed is not JsonArray { Count: > 0 } skills)
        {
            return (null, "The skills must be a JSON array with at least one skill: [ { \"id\": …, \"name\": … } ].");
        }

        for (var i = 0; i < skills.Count; i++)
        {
            if (skills[i] is not JsonObject skill || !IsText(skill["id"]) || !IsText(skill["name"]))
            {
                return (null, $"Skill {i + 1} needs an \"id\" and a \"name\", both text.");
            }
        }

        return (skills, null);
    }

    private static bool IsText(JsonNode? node)
        => node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text);
}
