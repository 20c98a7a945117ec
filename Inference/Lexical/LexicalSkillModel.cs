using System.Collections.Concurrent;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Lexical;

/// <summary>
/// The lexical baseline: BM25 of a work item's words against each skill of each profile (its id, name,
/// description, tags and examples), plus a bonus where the item names a required skill that a profile lists by
/// id, name or tag. A profile's affinity is its best skill's. Profile terms are cached by content hash;
/// document frequencies are taken over the profiles of each call, so the call's population decides what is rare.
/// </summary>
public sealed class LexicalSkillModel : ISkillModel
{
    private const double K1 = 1.2;
    private const double B = 0.75;

    /// <summary>What a named required skill is worth, in BM25 units: about one rare word in common.</summary>
    private const double RequiredSkillBonus = 4.0;

    /// <summary>Maps BM25 (unbounded) into [0, 1): half way at this score.</summary>
    private const double HalfScore = 6.0;

    private readonly ConcurrentDictionary<string, SkillDocument[]> _profileCache = new(StringComparer.Ordinal);

    public string Name => "lexical";

    /// <summary>Profiles whose terms are cached (for tests and memory accounting).</summary>
    public int CachedProfiles => _profileCache.Count;

    public AffinityMatrix Score(IReadOnlyList<WorkItemText> items, IReadOnlyList<SkillProfile> profiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(profiles);
        var matrix = new AffinityMatrix(items.Count, profiles.Count);
        if (items.Count == 0 || profiles.Count == 0)
        {
            return matrix;
        }

        var index = BuildIndex(profiles);
        Parallel.For(
            0,
            items.Count,
            new ParallelOptions { CancellationToken = cancellationToken },
            () => new double[index.Documents.Length],
            (item, _, scores) =>
            {
                ScoreItem(items[item], index, scores, matrix, item);
                return scores;
            },
            _ => { });
        return matrix;
    }

    public IReadOnlyList<double?> ExpectedDurationSeconds(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new double?[items.Count];
    }

    private static void ScoreItem(WorkItemText item, ProfileIndex index, double[] scores, AffinityMatrix matrix, int row)
    {
        Array.Clear(scores);
        foreach (var term in TextTerms.Split(item.Title + " " + item.Description).Distinct(StringComparer.Ordinal))
        {
            if (index.Postings.TryGetValue(term, out var postings))
            {
                foreach (var (document, weight) in postings)
                {
                    scores[document] += weight;
                }
            }
        }

        foreach (var required in item.RequiredSkills)
        {
            if (index.SkillKeys.TryGetValue(Key(required), out var documents))
            {
                foreach (var document in documents)
                {
                    scores[document] += RequiredSkillBonus;
                }
            }
        }

        for (var profile = 0; profile < index.ProfileStarts.Length - 1; profile++)
        {
            var (best, bestSkill) = (0.0, -1);
            for (var document = index.ProfileStarts[profile]; document < index.ProfileStarts[profile + 1]; document++)
            {
                // The level tilts ties toward the stronger member without letting a weak match win on level alone.
                var score = scores[document] * (0.75 + (0.25 * index.Documents[document].Level));
                if (score > best)
                {
                    (best, bestSkill) = (score, index.Documents[document].SkillIndex);
                }
            }

            matrix.Set(row, profile, (float)(best / (best + HalfScore)), bestSkill);
        }
    }

    private ProfileIndex BuildIndex(IReadOnlyList<SkillProfile> profiles)
    {
        var documents = new List<SkillDocument>();
        var starts = new int[profiles.Count + 1];
        for (var profile = 0; profile < profiles.Count; profile++)
        {
            starts[profile] = documents.Count;
            documents.AddRange(_profileCache.GetOrAdd(SkillText.ContentHash(profiles[profile]), _ => Describe(profiles[profile])));
        }

        starts[profiles.Count] = documents.Count;
        var averageLength = Math.Max(1.0, documents.Average(document => document.Length));
        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in documents.SelectMany(document => document.TermCounts.Keys))
        {
            documentFrequency[term] = documentFrequency.GetValueOrDefault(term) + 1;
        }

        var postings = new Dictionary<string, List<(int, double)>>(StringComparer.Ordinal);
        var skillKeys = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var d = 0; d < documents.Count; d++)
        {
            var document = documents[d];
            var norm = K1 * (1 - B + (B * document.Length / averageLength));
            foreach (var (term, count) in document.TermCounts)
            {
                var df = documentFrequency[term];
                var idf = Math.Log(1 + ((documents.Count - df + 0.5) / (df + 0.5)));
                var weight = idf * count * (K1 + 1) / (count + norm);
                (postings.TryGetValue(term, out var list) ? list : postings[term] = []).Add((d, weight));
            }

            foreach (var key in document.Keys)
            {
                (skillKeys.TryGetValue(key, out var list) ? list : skillKeys[key] = []).Add(d);
            }
        }

        return new ProfileIndex([.. documents], starts, postings, skillKeys);
    }

    private static SkillDocument[] Describe(SkillProfile profile)
    {
        var documents = new SkillDocument[profile.Skills.Count];
        for (var s = 0; s < profile.Skills.Count; s++)
        {
            var skill = profile.Skills[s];

            // The profile's own name and description count toward each skill, once, so a one-line human profile still matches.
            var terms = TextTerms.Split($"{skill.Id} {SkillText.Of(skill)} {profile.Description}");
            var counts = terms.GroupBy(term => term, StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);
            var keys = skill.Tags.Append(skill.Id).Append(skill.Name).Select(Key).Where(key => key.Length > 0).ToHashSet(StringComparer.Ordinal);
            documents[s] = new SkillDocument(s, Math.Clamp(skill.Level, 0, 1), terms.Count, counts, keys);
        }

        return documents;
    }

    private static string Key(string text) => new(text.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    private sealed record SkillDocument(int SkillIndex, double Level, int Length, Dictionary<string, int> TermCounts, HashSet<string> Keys);

    private sealed record ProfileIndex(
        SkillDocument[] Documents, int[] ProfileStarts, Dictionary<string, List<(int Document, double Weight)>> Postings, Dictionary<string, List<int>> SkillKeys);
}
