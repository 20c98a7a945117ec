using System.Text.Json;
using ClawGroups.Data.Agents;

namespace ClawGroups.Coordinator.Groups;

/// <summary>
/// <c>PUT /groups/{groupId}/members/me</c>: what a person offers the coordinator in one group. <see cref="Skills"/> has an
/// agent card's shape and rules; a field left out stays as it was.
/// </summary>
public sealed record PersonProfileRequest(JsonElement? Skills, int? Capacity, bool? AcceptsWork);

/// <summary>A person's profile in a group, as they set it.</summary>
public sealed record PersonProfileView(Guid GroupId, Guid UserId, IReadOnlyList<SkillView> Skills, int Capacity, bool AcceptsWork, bool Present);

/// <summary>A person's skills kept as JSON on their membership, in the shape the skill model reads an agent's.</summary>
public static class PersonSkills
{
    public const int MaxCapacity = 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Write(IEnumerable<AgentSkill> skills)
        => JsonSerializer.Serialize(skills.Select(s => new StoredSkill(s.SkillId, s.Name, s.Description, s.Tags, s.Examples, s.Level)), Json);

    /// <summary>The stored skills, in their declared order; none when nothing (or something unreadable) is stored.</summary>
    public static List<AgentSkill> Read(string? json, Guid memberId)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        var stored = JsonSerializer.Deserialize<List<StoredSkill>>(json, Json) ?? [];
        return stored.Select(s => new AgentSkill
        {
            AgentId = memberId, SkillId = s.Id, Name = s.Name, Description = s.Description, Tags = s.Tags ?? [], Examples = s.Examples ?? [], Level = s.Level,
        }).ToList();
    }

    private sealed record StoredSkill(string Id, string Name, string Description, List<string>? Tags, List<string>? Examples, double Level);
}
