using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Inference.Skills;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// The skill model's reading of each skill of an agent's card, kept beside the card (<see cref="AgentSkillReading"/>) as an
/// item's reading is kept with the item (<see cref="ItemReadings"/>): made when the agent registers, so that every node's
/// passes, and a node's first pass after a restart, find the card read; made by a pass for cards without readings of the
/// served version (agents from before readings were kept, or from before a model upgrade). Nothing is kept while the served
/// model keeps nothing (its <see cref="ISkillModel.ReadingVersion"/> is null). A person's declared skills are read by the pass
/// as before: a group has few people, and they edit their skills in place.
/// </summary>
public static class SkillReadings
{
    /// <summary>
    /// Reads the cards of agents being registered, in one batch; the rows to save with them (none when the model keeps no
    /// readings).
    /// </summary>
    public static IReadOnlyList<AgentSkillReading> ReadCards(ISkillModel model, IReadOnlyList<Agent> agents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(agents);
        var readings = model.ReadProfiles(agents.Select(AssignmentCandidates.ToProfile).ToList(), cancellationToken);
        return model.ReadingVersion is null || readings.Count == 0
            ? []
            : agents.Zip(readings).SelectMany(read => Rows(read.First.Id, read.First.Skills.Select(s => s.SkillId), read.Second)).ToList();
    }

    /// <summary>
    /// The members' profiles as a pass gives them to the model. A card the model has not read yet carries its kept readings, so
    /// the model reads only what none was kept for, in one batch; what it read is kept. Written set-based and outside the pass's
    /// own changes: a reading follows from the card, so two nodes keeping the same card's at once both succeed.
    /// </summary>
    public static async Task<List<SkillProfile>> ForPassAsync(ClawDbContext context, ISkillModel model, IReadOnlyList<Agent> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(members);
        var profiles = members.Select(AssignmentCandidates.ToProfile).ToList();
        if (model.ReadingVersion is not { } version)
        {
            return profiles;
        }

        var unread = Enumerable.Range(0, members.Count).Where(m => members[m] is not PersonCandidate && !model.HasRead(profiles[m])).ToList();
        if (unread.Count == 0)
        {
            return profiles;
        }

        var ids = unread.Select(m => members[m].Id).Distinct().ToList();
        var kept = (await context.AgentSkillReadings.AsNoTracking()
                .Where(r => ids.Contains(r.AgentId) && r.ReadingVersion == version)
                .ToListAsync(cancellationToken))
            .ToDictionary(r => (r.AgentId, r.SkillId));
        foreach (var m in unread)
        {
            var id = members[m].Id;
            profiles[m] = profiles[m] with
            {
                Skills = profiles[m].Skills
                    .Select(skill => kept.TryGetValue((id, skill.Id), out var row) ? skill with { Reading = new ItemReading(row.ReadingVersion, ItemReadings.ToVector(row.ReadingVector)) } : skill)
                    .ToList(),
            };
        }

        var readings = model.ReadProfiles(unread.Select(m => profiles[m]).ToList(), cancellationToken);
        var rows = unread.Zip(readings)
            .SelectMany(read => Rows(members[read.First].Id, profiles[read.First].Skills.Select(s => s.Id), read.Second)
                .Where(row => !kept.ContainsKey((row.AgentId, row.SkillId))))
            .ToList();
        if (rows.Count > 0)
        {
            var stale = rows.Select(r => r.AgentId).Distinct().ToList();
            // One commit for the batch: after an upgrade a pass reads every card of the group.
            await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
            await context.AgentSkillReadings.Where(r => stale.Contains(r.AgentId) && r.ReadingVersion != version).ExecuteDeleteAsync(cancellationToken);
            await context.InsertRowsUnlessPresentAsync(rows, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return profiles;
    }

    private static IEnumerable<AgentSkillReading> Rows(Guid agentId, IEnumerable<string> skillIds, IReadOnlyList<ItemReading> readings) =>
        skillIds.Zip(readings, (skillId, reading) => new AgentSkillReading
        {
            AgentId = agentId, SkillId = skillId, ReadingVersion = reading.Version, ReadingVector = ItemReadings.ToBytes(reading.Vector),
        });
}
