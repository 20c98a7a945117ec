using ClawGroups.Coordinator.Budgets;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Learning;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// One assignment pass over a group: reads its ready items and available agents, asks the skill model for
/// affinities, holds for a person the items whose best candidates it cannot tell apart, and offers the rest to the
/// agents with capacity left (the most items, then the best total score). Safe to run on several workers at once:
/// the items' concurrency tokens let exactly one pass win each item.
/// </summary>
public sealed partial class AssignmentPass(
    ClawDbContext context,
    WorkItemLifecycle lifecycle,
    GroupSkillModels skillModels,
    ContenderCache contenderCache,
    AgentSkillCache agentSkills,
    ReadyItems readyItems,
    TrackRecordCache trackRecords,
    IOptionsMonitor<CoordinatorOptions> options,
    TimeProvider time,
    ILogger<AssignmentPass> logger)
{
    /// <summary>Items considered per pass; the next pass takes the rest.</summary>
    public const int MaxItemsPerPass = 5000;

    private const int PruneAbove = 100_000;
    private const int KeepPerItem = 16;
    private const int KeepPerAgent = 128;

    /// <summary>
    /// How close to the best the auction must prove its answer before it stops (decision 0022): a tenth of a percent of
    /// the total, which the scores' own noise dwarfs, for a solve several phases shorter than running to 10⁻⁹.
    /// </summary>
    private const double ProvenGap = 1e-3;

    private static readonly WorkItemState[] Assignable = [WorkItemState.Ready, WorkItemState.Stalled];

    /// <summary>Runs the pass; returns how many items were offered.</summary>
    public async Task<int> RunAsync(Guid groupId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var clock = new PassClock();
        var minimumConfidence = options.CurrentValue.MinRoutingConfidence;
        // Read lean and untracked: a pass weighs thousands of items and moves a few, which it reads again whole.
        var agents = await AvailableAgentsAsync(groupId, now, cancellationToken);
        // Present people who take work stand beside the agents, after them (decision 0029).
        agents.AddRange(await PersonCandidate.PresentInGroupAsync(context, groupId, now, cancellationToken));
        clock.Lap("members");
        var ready = context.WorkItems
            .Where(w => w.GroupId == groupId && Assignable.Contains(w.State) && w.PausedAt == null);
        ready = await OfferGate.WithinItemBudgetsAsync(context, groupId, ready, cancellationToken);
        if (minimumConfidence > 0)
        {
            // Held items wait for a person; with the rule turned off the coordinator routes them too. A hold weighs the members
            // there were: one made before the newest member joined is judged again with it (a swarm's first pass, made while
            // its agents were still registering, held half its items for good between the first two who had).
            var rosterChangedAt = agents.Count == 0 ? DateTimeOffset.MinValue : agents.Max(a => a.RegisteredAt);
            ready = ready.Where(w => w.RoutingHeldAt == null || w.RoutingHeldAt < rosterChangedAt);
        }

        var load = await MemberLoad.OfAgentsAsync(context, groupId, agentIds: null, cancellationToken);
        await AddPeoplesLoadAsync(groupId, agents, load, cancellationToken);
        // Only members with a free slot can be offered anything; with none, the items are judged when a slot frees.
        var open = Enumerable.Range(0, agents.Count).Where(a => agents[a].Capacity > load.GetValueOrDefault(agents[a].Id)).ToArray();
        if (open.Length == 0)
        {
            readyItems.Forget(groupId);
            LogNoFreeSlot(logger, groupId, agents.Count);
            return 0;
        }

        // A monthly budget pays for so many more runs, counting those under way (MonthlyHeadroom): the most urgent go first.
        var affordable = await MonthlyHeadroom.OffersAsync(context, groupId, now, cancellationToken);
        if (affordable == 0)
        {
            readyItems.Forget(groupId);
            LogNoBudget(logger, groupId);
            return 0;
        }

        clock.Lap("load");

        var items = await readyItems.LoadAsync(
            context, groupId, ready.OrderByDescending(w => w.Priority).ThenBy(w => w.CreatedAt).Take(Math.Min(MaxItemsPerPass, affordable ?? MaxItemsPerPass)),
            cancellationToken);
        if (items.Count == 0)
        {
            LogNoItems(logger, groupId, open.Length);
            return 0;
        }

        AssignmentCandidates.LetBackWhereNoOneElse(items, agents);
        clock.Lap("items");
        // One grouped query for every member's record, not one per candidate, and not on every pass.
        var records = await trackRecords.ForPassAsync(context, groupId, now, TimeSpan.FromSeconds(options.CurrentValue.TrackRecordRefreshSeconds), cancellationToken);
        clock.Lap("records");

        var skillModel = await skillModels.ForGroupAsync(context, groupId, cancellationToken);
        var texts = await ItemReadings.ForPassAsync(context, skillModel, items, cancellationToken);
        var profiles = await SkillReadings.ForPassAsync(context, skillModel, agents, cancellationToken);
        clock.Lap("readings");

        var (contenders, unjudged, fresh) = Judge(groupId, skillModel, items, texts, agents, profiles, clock, cancellationToken);
        var held = Enumerable.Range(0, items.Count).Where(i => RoutingConfidence.NeedsPerson(contenders[i], minimumConfidence)).ToHashSet();
        clock.Lap("confidence");

        // Each item the pass may offer against each member with a free slot: the fresh items' rows are already scored.
        var openAgents = open.Select(a => agents[a]).ToList();
        var affinities = OpenAffinities(skillModel, texts, profiles, open, unjudged, fresh, held, cancellationToken);
        // Each agent's best items for the pass's free slots are all an optimal answer uses (PairWeights.Choose); where that
        // is still too many, each item's and each agent's best pairs are all it uses in practice (decision 0011), agents that
        // rank items alike needing deep lists to fill their slots (decision 0022). The rest only slows the solver down.
        var weights = new PairWeights(items, openAgents, load, affinities, records, await RoutingPreference.ForGroupAsync(context, groupId, cancellationToken));
        var (candidates, eachItemsBest) = weights.Choose(leaveOut: held, shortlist: new ShortlistSize(PruneAbove, KeepPerItem, KeepPerAgent));
        clock.Lap("candidates");

        // As many items as capacity allows, then the best total score: a global answer rather than first come, first served.
        var spare = openAgents.Select(a => a.Capacity - load.GetValueOrDefault(a.Id)).ToArray();
        var choices = options.CurrentValue.Solver == AssignmentSolver.Greedy
            ? GreedyAssignment.Choose(candidates, spare, items.Count)
            : AuctionAssignment.Choose(candidates, spare, items.Count, ProvenGap);
        clock.Lap("solve");
        if (choices.Count == 0 && held.Count == 0)
        {
            LogNoMatch(logger, groupId, items.Count, open.Length);
            return 0;
        }

        // The offers, the runners-up shown beside them and the held items' candidates are explained together: one call to the
        // model per pass.
        var heldMatches = held.Order().SelectMany(i => contenders[i].Best.Select(c =>
            new ReasonedMatch(i, c.Agent, c.Affinity, c.BestSkill, load.GetValueOrDefault(agents[c.Agent].Id), agents[c.Agent].Capacity,
                AssignmentCandidates.LevelOf(items[i], agents[c.Agent], c.BestSkill)))).ToList();
        var chosen = choices.Select(c => candidates[c]).ToList();
        // Shown beside the offers: each offered item's best pairs among all members with a free slot, which each agent's share
        // need not hold (a cold pass's shortlist does: it keeps each item's best 16).
        var shortlists = OfferCandidates.For(eachItemsBest ? candidates : weights.RowsOf(chosen.Select(c => c.Item)), chosen);
        // The spare share each score counted is the one before this pass's offers.
        var loadScored = openAgents.Select(a => load.GetValueOrDefault(a.Id)).ToArray();
        var offerMatches = new List<ReasonedMatch>(choices.Count);
        var runnerUpMatches = new List<ReasonedMatch>();
        foreach (var (candidate, shortlist) in chosen.Zip(shortlists))
        {
            var agent = openAgents[candidate.Agent];
            offerMatches.Add(Reasoned(candidate, open, openAgents, loadScored, load, records));
            runnerUpMatches.AddRange(shortlist.Where(c => c != candidate).Select(c => Reasoned(c, open, openAgents, loadScored, load, records)));
            load[agent.Id] = load.GetValueOrDefault(agent.Id) + 1;
        }

        // Offers first: when a large pass cannot explain every match in words, the work that moves now gets them. The words
        // come from what each item's reading kept when it was written, where it did (KeptWords).
        List<ReasonedMatch> reasoned = [.. offerMatches, .. runnerUpMatches, .. heldMatches];
        var explaining = await KeptWords.ForExplainingAsync(
            context, skillModel.ReadingVersion, texts, items.Select(w => w.Id).ToList(), RoutingReason.ItemsExplained(reasoned), cancellationToken);
        var reasons = RoutingReason.ForMatches(skillModel, explaining, profiles, contenders, reasoned, cancellationToken);
        var shown = OfferCandidates.Shown(chosen, shortlists, openAgents, reasons);
        clock.Lap("reasons");
        // The offered items are read whole and tracked. The held ones are written set-based from the lean reads (PassHolds), unless
        // the pass is smaller than SetBasedPassWritesFrom (0 by default: never), which reads and tracks them too.
        var setBased = held.Count + offerMatches.Count >= options.CurrentValue.SetBasedPassWritesFrom;
        var tracked = setBased ? offerMatches.Select(m => m.Item) : held.Concat(offerMatches.Select(m => m.Item));
        if (!await ReadyItems.TrackWholeAsync(context, items, tracked.Distinct().ToList(), cancellationToken))
        {
            LogLostRace(logger, groupId);
            return 0;
        }

        var holds = HoldForPeople(groupId, items, agents, contenders, heldMatches, reasons.Skip(offerMatches.Count + runnerUpMatches.Count).ToList());
        if (!setBased)
        {
            holds.Track(context);
        }

        EstimateDurations(skillModel, offerMatches.Select(m => m.Item).ToList(), items, texts, cancellationToken);
        var offers = new PassOffers(context, lifecycle, setBased ? holds : null);
        foreach (var ((candidate, reason), weighed) in chosen.Zip(reasons.Take(offerMatches.Count)).Zip(shown))
        {
            var (item, agent) = (items[candidate.Item], openAgents[candidate.Agent]);
            Assignment offer;
            if (agent is PersonCandidate person)
            {
                offer = lifecycle.OfferToPerson(item, person.Id, person.Name, Math.Round(candidate.Score, 3), reason, Caller.Coordinator);
            }
            else
            {
                offers.Add(item, agent);
                offer = lifecycle.OfferToAgent(item, agent, Math.Round(candidate.Score, 3), reason, Caller.Coordinator);
            }

            offer.CandidatesJson = CandidatesJson.Write(weighed);
            offer.SkillArea = candidate.BestSkill >= 0 && candidate.BestSkill < agent.Skills.Count ? agent.Skills[candidate.BestSkill].SkillId : null;
        }

        await offers.AnnounceAsync(cancellationToken);
        clock.Lap("offers");

        if (!await offers.CommitAsync(cancellationToken))
        {
            // Another worker's pass moved some of these items first.
            LogLostRace(logger, groupId);
            return 0;
        }

        clock.Lap("save");
        LogOffered(logger, choices.Count, held.Count, groupId);
        LogPhases(logger, groupId, clock);
        return choices.Count;
    }

    /// <summary>
    /// Each item's contenders among all available members, for its confidence: kept from an earlier pass that judged the
    /// item against the same roster with the same model (decision 0018), else scored now. Returns the items scored now
    /// (<c>Unjudged</c>) with their rows against every member (<c>Fresh</c>), which the offers reuse.
    /// </summary>
    private (Contenders[] Contenders, List<int> Unjudged, AffinityMatrix Fresh) Judge(
        Guid groupId, ISkillModel skillModel, List<WorkItem> items, IReadOnlyList<WorkItemText> texts, List<Agent> agents, List<SkillProfile> profiles,
        PassClock clock, CancellationToken cancellationToken)
    {
        var matches = new SkillMatches(agents);
        var judgements = contenderCache.For(groupId, skillModel, matches.Fingerprint);
        var contenders = new Contenders[items.Count];
        var unjudged = new List<int>();
        for (var i = 0; i < items.Count; i++)
        {
            if (judgements.TryGet((items[i].Id, items[i].Version), out var best))
            {
                contenders[i] = new Contenders(best, matches);
            }
            else
            {
                unjudged.Add(i);
            }
        }

        var fresh = unjudged.Count == 0
            ? new AffinityMatrix(0, agents.Count)
            : skillModel.Score(unjudged.Select(i => texts[i]).ToList(), profiles, cancellationToken);
        clock.Lap("affinities");
        foreach (var (i, ranked) in unjudged.Zip(RoutingConfidence.Rank(unjudged.Select(i => items[i]).ToList(), agents, fresh, matches)))
        {
            contenders[i] = ranked;
            judgements.Add((items[i].Id, items[i].Version), ranked.Best);
        }

        judgements.Prune(items.Select(w => (w.Id, w.Version)), items.Count);
        return (contenders, unjudged, fresh);
    }

    /// <summary>
    /// The affinities of the items (rows) to the members with a free slot (columns): copied from the rows the pass has just
    /// scored against everyone, scored afresh for the rest, and left empty for held items, which are not offered.
    /// </summary>
    private static AffinityMatrix OpenAffinities(
        ISkillModel model, IReadOnlyList<WorkItemText> texts, IReadOnlyList<SkillProfile> profiles, int[] open, List<int> scored, AffinityMatrix scoredRows,
        HashSet<int> held, CancellationToken cancellationToken)
    {
        var affinities = new AffinityMatrix(texts.Count, open.Length);
        for (var row = 0; row < scored.Count; row++)
        {
            affinities.CopyRow(scored[row], scoredRows, row, open);
        }

        var fresh = scored.ToHashSet();
        var rest = Enumerable.Range(0, texts.Count).Where(i => !fresh.Contains(i) && !held.Contains(i)).ToList();
        if (rest.Count == 0)
        {
            return affinities;
        }

        var restRows = model.Score(rest.Select(i => texts[i]).ToList(), open.Select(a => profiles[a]).ToList(), cancellationToken);
        for (var row = 0; row < rest.Count; row++)
        {
            affinities.CopyRow(rest[row], restRows, row);
        }

        return affinities;
    }

    /// <summary>A scored pair to explain: its load as it stands now, the score's parts as they were counted.</summary>
    private static ReasonedMatch Reasoned(
        AssignmentCandidate candidate, int[] open, List<Agent> openAgents, int[] loadScored, Dictionary<Guid, int> load, TrackRecords records)
    {
        var agent = openAgents[candidate.Agent];
        var parts = AssignmentCandidates.PartsOf(candidate, loadScored[candidate.Agent], agent.Capacity);
        return new ReasonedMatch(
            candidate.Item, open[candidate.Agent], candidate.Affinity, candidate.BestSkill, load.GetValueOrDefault(agent.Id), agent.Capacity, parts.Level, parts.Priority,
            TrackRecordReason.For(records, agent, candidate.BestSkill), RoutingPreference.Describe(candidate.Preferred, agent));
    }

    /// <summary>People's load is counted as the roster counts it; their ids are account ids, which no agent shares.</summary>
    private async Task AddPeoplesLoadAsync(Guid groupId, List<Agent> members, Dictionary<Guid, int> load, CancellationToken cancellationToken)
    {
        var people = members.OfType<PersonCandidate>().Select(p => p.Id).ToList();
        if (people.Count == 0)
        {
            return;
        }

        foreach (var (userId, count) in await MemberLoad.OfHumansAsync(context, groupId, people, cancellationToken))
        {
            load[userId] = count;
        }
    }

    /// <summary>Items whose best candidates fit almost equally well wait, with those candidates, for a person to choose.</summary>
    private PassHolds HoldForPeople(
        Guid groupId, List<WorkItem> items, List<Agent> agents, IReadOnlyList<Contenders> contenders, List<ReasonedMatch> matches, List<string> reasons)
    {
        var holds = new PassHolds(groupId);
        foreach (var forItem in matches.Zip(reasons).GroupBy(m => m.First.Item))
        {
            var candidates = forItem.Select(m => new RoutingCandidateView(
                agents[m.First.Agent].Id, PersonCandidate.KindName(agents[m.First.Agent]), agents[m.First.Agent].Name, Math.Round(m.First.Affinity, 3), m.Second)).ToList();
            holds.Hold(items[forItem.Key], contenders[forItem.Key].Confidence, candidates, lifecycle.Now);
        }

        return holds;
    }

    /// <summary>The model's expected duration, kept on the item so that a run far past it can be noticed.</summary>
    private static void EstimateDurations(
        ISkillModel skillModel, List<int> offered, List<WorkItem> items, IReadOnlyList<WorkItemText> texts, CancellationToken cancellationToken)
    {
        var unknown = offered.Where(i => items[i].ExpectedDurationSeconds is null).ToList();
        if (unknown.Count > 0)
        {
            var estimates = skillModel.ExpectedDurationSeconds(unknown.Select(i => texts[i]).ToList(), cancellationToken);
            for (var k = 0; k < unknown.Count; k++)
            {
                items[unknown[k]].ExpectedDurationSeconds = estimates[k];
            }
        }
    }

    private async Task<List<Agent>> AvailableAgentsAsync(Guid groupId, DateTimeOffset now, CancellationToken cancellationToken)
        => await AvailableAgents.InGroupAsync(context, agentSkills, groupId, options.CurrentValue, now, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Assignment pass offered {Count} item(s) and held {Held} for a person to route in group {GroupId}")]
    private static partial void LogOffered(ILogger logger, int count, int held, Guid groupId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Assignment pass in group {GroupId}: {Phases}")]
    private static partial void LogPhases(ILogger logger, Guid groupId, PassClock phases);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Assignment pass in group {GroupId} lost a race to another worker")]
    private static partial void LogLostRace(ILogger logger, Guid groupId);

    // Why a pass moved nothing, for an operator (or a failed test) asking why an item waits: every sweep interval asks again.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Assignment pass in group {GroupId}: none of its {Present} present members has a free slot")]
    private static partial void LogNoFreeSlot(ILogger logger, Guid groupId, int present);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Assignment pass in group {GroupId}: its monthly budget pays for no more runs")]
    private static partial void LogNoBudget(ILogger logger, Guid groupId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Assignment pass in group {GroupId}: no item to weigh for its {Open} members with a free slot")]
    private static partial void LogNoItems(ILogger logger, Guid groupId, int open);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Assignment pass in group {GroupId}: none of {Items} items fits any of its {Open} members with a free slot")]
    private static partial void LogNoMatch(ILogger logger, Guid groupId, int items, int open);
}
