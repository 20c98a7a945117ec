using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.A2a;

/// <summary>
/// A group's A2A card: the group as one agent. Its skills are what its members can do, merged by skill id, and say nothing
/// of who the members are — the card is public, the roster is not.
/// </summary>
public sealed class GroupAgentCards(ClawDbContext context)
{
    public const string BearerSchemeName = "bearer";

    /// <summary>Cap on the card's skills, so a very large group's card stays small.</summary>
    public const int MaxSkills = 100;

    /// <summary>The card, or null when the group is unknown or does not answer over A2A.</summary>
    public async Task<A2aAgentCard?> CardAsync(Guid groupId, string baseUri, CancellationToken cancellationToken)
    {
        var group = await context.Groups.AsNoTracking()
            .Where(g => g.Id == groupId && g.A2aEnabled && g.ArchivedAt == null)
            .Select(g => new { g.Name, g.Description })
            .SingleOrDefaultAsync(cancellationToken);
        if (group is null)
        {
            return null;
        }

        var skills = await context.Agents.AsNoTracking()
            .Where(a => a.GroupId == groupId && a.RevokedAt == null)
            .SelectMany(a => a.Skills)
            .ToListAsync(cancellationToken);
        return new A2aAgentCard
        {
            Name = group.Name,
            Description = group.Description.Length > 0 ? group.Description : $"The group {group.Name} of Claw Groups: its members take on the work sent here.",
            SupportedInterfaces =
            [
                new AgentInterface { Url = GroupAgentCardUrls.EndpointUrl(baseUri, groupId), ProtocolBinding = A2aProtocol.JsonRpcBinding, ProtocolVersion = A2aProtocol.Version },
            ],
            Version = A2aProtocol.Version,
            Capabilities = new AgentCapabilities { Streaming = true, PushNotifications = true },
            SecuritySchemes = new Dictionary<string, SecurityScheme>
            {
                [BearerSchemeName] = SecurityScheme.Bearer("A personal access token (cg_pat_…) of a member of the group."),
            },
            SecurityRequirements = [new SecurityRequirement { Schemes = new Dictionary<string, StringList> { [BearerSchemeName] = new StringList() } }],
            DefaultInputModes = ["text/plain", "application/json"],
            DefaultOutputModes = ["text/plain", "text/markdown", "application/json"],
            Skills = Summarise(skills),
        };
    }

    /// <summary>One card skill per skill id the members have, with the tags and examples of all who have it.</summary>
    public static IReadOnlyList<A2aAgentSkill> Summarise(IEnumerable<AgentSkill> skills)
        => skills
            .GroupBy(s => s.SkillId, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(MaxSkills)
            .Select(g => new A2aAgentSkill
            {
                Id = g.Key,
                Name = g.Select(s => s.Name).FirstOrDefault(n => n.Length > 0) ?? g.Key,
                Description = g.Select(s => s.Description).OrderByDescending(d => d.Length).First(),
                Tags = g.SelectMany(s => s.Tags).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                Examples = g.SelectMany(s => s.Examples).Distinct(StringComparer.Ordinal).Take(10).ToList(),
            })
            .ToList();
}
