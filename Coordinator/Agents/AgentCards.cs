using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Learning;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Coordinator.Agents;

/// <summary>
/// Reads a new agent's card with its group's skill model when the agent registers, as an item is read when it is written:
/// the model keeps what it read (in memory, on this node), and the first pass to weigh the agent only multiplies vectors.
/// A swarm registers hundreds of agents and then has its first pass weigh them all at once; that pass read every card
/// itself, about half of its scoring time at 300 agents (docs/PERFORMANCE.md).
/// </summary>
public sealed partial class AgentCards(GroupSkillModels skillModels, ILogger<AgentCards> logger)
{
    /// <summary>
    /// Reads the agent's card now. The agent is registered already: a model that cannot read the card is logged, not
    /// answered as a failed registration (the pass would read it again, and fail or not, there).
    /// </summary>
    public async Task PrepareAsync(ClawDbContext context, Agent agent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        try
        {
            var model = await skillModels.ForGroupAsync(context, agent.GroupId, cancellationToken);
            AssignmentCandidates.PutSkillsInOrder(agent);
            model.PrepareProfiles([AssignmentCandidates.ToProfile(agent)], cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogUnread(logger, exception, agent.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The card of agent {AgentId} could not be read ahead of its first assignment pass")]
    private static partial void LogUnread(ILogger logger, Exception exception, Guid agentId);
}
