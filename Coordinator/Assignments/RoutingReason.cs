using System.Globalization;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// Why a member fits an item, in words people read on the board and in the trail: the item's words that drove the match,
/// the member's skill they matched (in brackets its first tag that says something the name does not), how well it fits,
/// how well the next best member fits, then the rest of what the score is made of — the member's declared level in what
/// matched, its track record there when it has one, its load, and the item's priority when it counted — as in
/// <c>restarting pods → Infrastructure (Kubernetes); fit 0.83, next best 0.61; skill level 0.90; accepted 14 of 15 in Infrastructure; load 1/2; priority +0.50</c>.
/// Each part is named in the drawer's legend (<see cref="AssignmentCandidates"/> holds the weights).
/// </summary>
public static class RoutingReason
{
    /// <summary>Words of the item a reason names at most: enough to recognise the item's gist, short enough for a card.</summary>
    public const int MaxWords = 3;

    /// <summary>
    /// Items whose words a pass explains at most: two encoder batches. Words read afresh cost an encoder pass per item, and a
    /// cold pass offering 500 items spent 9–15 s on them under the swarm while every offer waited; past this many items, in the
    /// order given, a reason starts at the skill (<c>→ Infrastructure (Kubernetes); fit …</c>). A steady pass explains
    /// everything. Items whose reading kept its words (<see cref="KeptWords"/>) cost a lookup instead, but the bound stays for
    /// the items that have none (written before words were kept, or read by another model).
    /// </summary>
    public const int MaxItemsExplained = 256;

    /// <summary>
    /// The reason for each match of a pass, the words behind them explained by the model in one call (for the first
    /// <see cref="MaxItemsExplained"/> items named, in order).
    /// </summary>
    public static IReadOnlyList<string> ForMatches(
        ISkillModel model, IReadOnlyList<WorkItemText> texts, IReadOnlyList<SkillProfile> profiles, IReadOnlyList<Contenders> contenders,
        IReadOnlyList<ReasonedMatch> matches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(contenders);
        ArgumentNullException.ThrowIfNull(matches);
        var words = new IReadOnlyList<string>[matches.Count];
        Array.Fill(words, []);
        var explained = ItemsExplained(matches);
        var named = Enumerable.Range(0, matches.Count)
            .Where(k => explained.Contains(matches[k].Item) && SkillOf(profiles[matches[k].Agent], matches[k].Skill) is not null).ToList();
        if (named.Count > 0)
        {
            var said = model.Explain(
                named.Select(k => new SkillMatch(texts[matches[k].Item], profiles[matches[k].Agent], matches[k].Skill)).ToList(), MaxWords, cancellationToken);
            foreach (var (k, itemWords) in named.Zip(said))
            {
                words[k] = itemWords;
            }
        }

        return matches.Select((m, k) => Format(
            words[k], SkillOf(profiles[m.Agent], m.Skill), m.Affinity, contenders[m.Item].NextBestTo(m.Agent, m.Skill), m.Load, m.Capacity, m.Level, m.Priority, m.Record, m.Preference))
            .ToList();
    }

    /// <summary>The items whose words <see cref="ForMatches"/> names: the first <see cref="MaxItemsExplained"/> named, in order.</summary>
    public static HashSet<int> ItemsExplained(IReadOnlyList<ReasonedMatch> matches)
    {
        ArgumentNullException.ThrowIfNull(matches);
        return matches.Select(m => m.Item).Distinct().Take(MaxItemsExplained).ToHashSet();
    }

    /// <summary>
    /// The reason in words. <paramref name="level"/> is the declared level the score counted (left out when null);
    /// <paramref name="priority"/> the priority's share of the score, named only when it counted (from 0.005 on, as rounded);
    /// <paramref name="record"/> the member's track record in words (<see cref="TrackRecords.Describe"/>), left out when null;
    /// <paramref name="preference"/> the group's preference that counted (<see cref="RoutingPreference.Describe"/>), left out when null.
    /// </summary>
    public static string Format(
        IReadOnlyList<string> words, SkillEntry? skill, double fit, double? nextBest, int load, int capacity, double? level = null, double priority = 0,
        string? record = null, string? preference = null)
    {
        ArgumentNullException.ThrowIfNull(words);
        var parts = new List<string>(6);
        if (skill is not null)
        {
            var match = $"→ {SkillName(skill)}";
            parts.Add(words.Count == 0 ? match : $"{string.Join(' ', words.Take(MaxWords))} {match}");
        }

        parts.Add(nextBest is { } next
            ? string.Create(CultureInfo.InvariantCulture, $"fit {fit:0.00}, next best {next:0.00}")
            : string.Create(CultureInfo.InvariantCulture, $"fit {fit:0.00}"));
        if (level is { } declared)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"skill level {declared:0.00}"));
        }

        if (record is not null)
        {
            parts.Add(record);
        }

        if (preference is not null)
        {
            parts.Add(preference);
        }

        parts.Add(string.Create(CultureInfo.InvariantCulture, $"load {load}/{capacity}"));
        if (priority >= 0.005)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"priority +{priority:0.00}"));
        }

        return string.Join("; ", parts);
    }

    private static SkillEntry? SkillOf(SkillProfile profile, int skill) => skill >= 0 && skill < profile.Skills.Count ? profile.Skills[skill] : null;

    private static string SkillName(SkillEntry skill)
    {
        var name = string.IsNullOrWhiteSpace(skill.Name) ? skill.Id : skill.Name.Trim();
        var tag = skill.Tags.Select(t => t.Trim()).FirstOrDefault(t => t.Length > 0 && !string.Equals(t, name, StringComparison.OrdinalIgnoreCase));
        return tag is null ? name : $"{name} ({tag})";
    }
}

/// <summary>
/// A match a reason is written for: item and agent (indices into the pass), the affinity, the skill matched, the agent's load,
/// and the rest of the score's parts (<see cref="ScoreParts"/>): the declared level counted (null: not stated), the priority's share
/// the track record in words (null: none, or not counted) and the group's preference for the member's kind in words (null: none counted).
/// </summary>
public readonly record struct ReasonedMatch(
    int Item, int Agent, double Affinity, int Skill, int Load, int Capacity, double? Level = null, double Priority = 0, string? Record = null,
    string? Preference = null);
