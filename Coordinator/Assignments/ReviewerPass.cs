using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Learning;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// Finds a validator for results waiting in review: an available agent with a review skill (skill id or tag
/// <c>review</c>) that is not the result's author, chosen by the same skill model. It gets the item as an offer
/// and answers with <c>POST /work-items/{id}/review</c>. Where no such agent exists, the group's humans review.
/// </summary>
public sealed class ReviewerPass(
    ClawDbContext context,
    WorkItemLifecycle lifecycle,
    GroupSkillModels skillModels,
    AgentSkillCache agentSkills,
    IOptionsMonitor<CoordinatorOptions> options,
    TimeProvider time)
{
    public const string ReviewSkill = "review";

    public async Task<int> RunAsync(Guid groupId, CancellationToken cancellationToken)
    {
        var items = await context.WorkItems.Include(w => w.Assignments)
            .Where(w => w.GroupId == groupId && w.State == WorkItemState.InReview && w.PausedAt == null
                        && !w.Assignments.Any(a => a.Role == AssignmentRole.Review && a.EndedAt == null))
            .OrderByDescending(w => w.Priority).ThenBy(w => w.StateChangedAt)
            .Take(AssignmentPass.MaxItemsPerPass)
            .ToListAsync(cancellationToken);
        if (items.Count == 0)
        {
            return 0;
        }

        var reviewers = (await AvailableAgents.InGroupAsync(context, agentSkills, groupId, options.CurrentValue, time.GetUtcNow(), cancellationToken))
            // A review is answered with POST /review, which an A2A agent, reached only by A2A messages, does not make.
            .Where(a => a.Delivery != DeliveryMode.A2a && a.Skills.Any(s => IsReview(s.SkillId) || s.Tags.Any(IsReview)))
            .ToList();
        if (reviewers.Count == 0)
        {
            return 0;
        }

        var load = await MemberLoad.OfAgentsAsync(context, groupId, agentIds: null, cancellationToken);
        var skillModel = await skillModels.ForGroupAsync(context, groupId, cancellationToken);
        var profiles = await SkillReadings.ForPassAsync(context, skillModel, reviewers, cancellationToken);
        var affinities = skillModel.Score(items.Select(AssignmentCandidates.ToText).ToList(), profiles, cancellationToken);
        var offers = new PassOffers(context, lifecycle);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var author = item.Assignments.FirstOrDefault(a => a.Id == item.CurrentAssignmentId)?.AgentId ?? item.AssigneeAgentId;
            var best = Enumerable.Range(0, reviewers.Count)
                .Where(r => reviewers[r].Id != author && load.GetValueOrDefault(reviewers[r].Id) < reviewers[r].Capacity)
                .OrderByDescending(r => affinities.Score(i, r)).ThenBy(r => r)
                .Cast<int?>().FirstOrDefault();
            if (best is not { } r)
            {
                continue;
            }

            var reviewer = reviewers[r];
            var score = Math.Round(affinities.Score(i, r), 3);
            var reason = $"review skill; not the author; fit {score:0.00}; load {load.GetValueOrDefault(reviewer.Id)}/{reviewer.Capacity}";
            lifecycle.OfferReview(item, reviewer, score, reason);
            offers.Add(item, reviewer);
            load[reviewer.Id] = load.GetValueOrDefault(reviewer.Id) + 1;
        }

        await offers.AnnounceAsync(cancellationToken);
        return await offers.CommitAsync(cancellationToken) ? offers.Count : 0;
    }

    private static bool IsReview(string text) => string.Equals(text, ReviewSkill, StringComparison.OrdinalIgnoreCase);
}
