using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Corpus;

/// <summary>
/// The texts the student learns language on: what the teacher reads, the student learns to read alike. Items made the way the
/// corpus makes them (every kind of title, descriptions, scope words and notes) but many more, as the models read them, and every
/// training profile's skills as the encoder reads those. Held-out combinations are never drawn, so the held-out split stays unseen.
/// </summary>
public static class DistillationTexts
{
    /// <summary>About this many: each area stops at its share, and a few draws repeat a text already made.</summary>
    public const int DefaultCount = 216_000;

    /// <summary>A seed of its own, so these texts are not the corpus's items over again.</summary>
    public const int DefaultSeed = 11;

    public static IReadOnlyList<string> Generate(IReadOnlyList<SkillArea> areas, SkillCorpus corpus, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(areas);
        ArgumentNullException.ThrowIfNull(corpus);
        var random = new Random(seed);
        var texts = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<string>();
        void Add(string text)
        {
            text = text.ReplaceLineEndings(" ");
            if (texts.Add(text))
            {
                ordered.Add(text);
            }
        }

        foreach (var profile in corpus.ProfilesOf(SkillCorpus.TrainSplit).Select(p => p.Profile))
        {
            Add(SkillText.Of(profile));
            foreach (var skill in profile.Skills)
            {
                Add(TokenBatch.SkillInput(profile, skill));
            }
        }

        var perArea = (count - ordered.Count) / Math.Max(1, areas.Count);
        foreach (var area in areas)
        {
            var made = 0;
            for (var attempt = 0; made < perArea && attempt < perArea * 20; attempt++)
            {
                var item = CorpusGenerator.MakeItem(area, random, string.Empty);
                if (!CorpusGenerator.IsHeldOut(item.Combo) && texts.Count < count)
                {
                    var before = texts.Count;
                    Add(SkillText.Of(item.ToWorkItem()));
                    made += texts.Count - before;
                }
            }
        }

        // Shuffled, so that training batches mix areas however the file is read.
        return [.. ordered.OrderBy(_ => random.Next())];
    }
}
