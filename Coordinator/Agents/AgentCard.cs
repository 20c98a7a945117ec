using System.Text.Json;
using System.Text.Json.Nodes;
using ClawGroups.Data.Agents;

namespace ClawGroups.Coordinator.Agents;

/// <summary>
/// An A2A-compatible agent card as posted, validated field by field. The card is kept whole (unknown A2A fields
/// included); the fields Claw Groups acts on are read out of it.
/// </summary>
public sealed class AgentCard
{
    public const int MaxSkills = 100;
    public const int MaxCapacity = 100;

    private AgentCard()
    {
    }

    public string Name { get; private set; } = "";

    public string Description { get; private set; } = "";

    public string? Version { get; private set; }

    public string? Url { get; private set; }

    public DeliveryMode Delivery { get; private set; }

    public int Capacity { get; private set; } = 1;

    public string? Model { get; private set; }

    public string? Device { get; private set; }

    public List<AgentSkill> Skills { get; } = [];

    public string Json { get; private set; } = "{}";

    /// <summary>Reads a card; every problem is reported against the field's JSON path.</summary>
    public static (AgentCard? Card, Dictionary<string, string[]> Errors) Parse(JsonElement body)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["$"] = ["The agent card must be a JSON object."];
            return (null, errors);
        }

        var card = new AgentCard { Json = JsonNode.Parse(body.GetRawText())!.ToJsonString() };
        card.Name = Text(body, "name", AgentLimits.MaxNameLength, errors, required: true) ?? "";
        card.Description = Text(body, "description", AgentLimits.MaxDescriptionLength, errors) ?? "";
        card.Version = Text(body, "version", AgentLimits.MaxVersionLength, errors);
        card.Url = Text(body, "url", AgentLimits.MaxWebhookUrlLength, errors);
        card.Model = Text(body, "model", AgentLimits.MaxModelLength, errors);
        card.Device = Text(body, "device", AgentLimits.MaxDeviceLength, errors);

        switch (Text(body, "delivery", 16, errors))
        {
            case null or "pull":
                card.Delivery = DeliveryMode.Pull;
                break;
            case "webhook":
                card.Delivery = DeliveryMode.Webhook;
                if (string.IsNullOrEmpty(card.Url))
                {
                    errors["url"] = ["url is required when delivery is webhook: it is where work is sent."];
                }

                break;
            case "a2a":
                // Where work goes is the card's JSON-RPC interface (A2aCardFacts), not a webhook url.
                card.Delivery = DeliveryMode.A2a;
                break;
            default:
                errors["delivery"] = ["delivery must be \"webhook\", \"pull\" or \"a2a\"."];
                break;
        }

        if (body.TryGetProperty("capacity", out var capacity))
        {
            if (capacity.ValueKind != JsonValueKind.Number || !capacity.TryGetInt32(out var value) || value is < 1 or > MaxCapacity)
            {
                errors["capacity"] = [$"capacity must be a whole number from 1 to {MaxCapacity}."];
            }
            else
            {
                card.Capacity = value;
            }
        }

        ReadSkills(body, card, errors);
        return (errors.Count == 0 ? card : null, errors);
    }

    /// <summary>
    /// The <c>skills</c> of a JSON object, read and checked as a card's are: a person's profile declares skills in the same
    /// shape, under the same rules.
    /// </summary>
    public static List<AgentSkill> SkillsOf(JsonElement body, Dictionary<string, string[]> errors)
    {
        var card = new AgentCard();
        ReadSkills(body, card, errors);
        return card.Skills;
    }

    private static void ReadSkills(JsonElement body, AgentCard card, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("skills", out var skills) || skills.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (skills.ValueKind != JsonValueKind.Array || skills.GetArrayLength() > MaxSkills)
        {
            errors["skills"] = [$"skills must be an array of at most {MaxSkills} skills."];
            return;
        }

        var index = 0;
        foreach (var skill in skills.EnumerateArray())
        {
            var path = $"skills[{index++}]";
            if (skill.ValueKind != JsonValueKind.Object)
            {
                errors[path] = ["Each skill must be an object."];
                continue;
            }

            var id = Text(skill, "id", AgentLimits.MaxSkillIdLength, errors, required: true, path: path);
            var level = 0.5;
            if (skill.TryGetProperty("level", out var levelElement) && levelElement.ValueKind != JsonValueKind.Null)
            {
                if (levelElement.ValueKind != JsonValueKind.Number || !levelElement.TryGetDouble(out level) || level is < 0 or > 1)
                {
                    errors[$"{path}.level"] = ["level must be a number from 0 to 1."];
                }
            }

            if (id is not null && card.Skills.Any(s => s.SkillId == id))
            {
                errors[$"{path}.id"] = [$"The skill id '{id}' appears twice."];
            }

            card.Skills.Add(new AgentSkill
            {
                SkillId = id ?? "",
                Name = Text(skill, "name", AgentLimits.MaxSkillNameLength, errors, path: path) ?? id ?? "",
                Description = Text(skill, "description", AgentLimits.MaxSkillDescriptionLength, errors, path: path) ?? "",
                Tags = Strings(skill, "tags", errors, path),
                Examples = Strings(skill, "examples", errors, path),
                Level = level,
            });
        }
    }

    private static string? Text(JsonElement owner, string name, int maxLength, Dictionary<string, string[]> errors, bool required = false, string? path = null)
    {
        var field = path is null ? name : $"{path}.{name}";
        if (!owner.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors[field] = [$"{field} is required."];
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors[field] = [$"{field} must be a string."];
            return null;
        }

        var text = value.GetString()!.Trim();
        if (required && text.Length == 0)
        {
            errors[field] = [$"{field} is required."];
        }
        else if (text.Length > maxLength)
        {
            errors[field] = [$"{field} is at most {maxLength} characters long."];
        }

        return text;
    }

    private static List<string> Strings(JsonElement owner, string name, Dictionary<string, string[]> errors, string path)
    {
        if (!owner.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String) || value.GetArrayLength() > 100)
        {
            errors[$"{path}.{name}"] = [$"{path}.{name} must be an array of at most 100 strings."];
            return [];
        }

        return value.EnumerateArray().Select(v => v.GetString()!).ToList();
    }
}
