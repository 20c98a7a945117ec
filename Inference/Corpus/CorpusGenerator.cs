using System.Globalization;

namespace ClawGroups.Inference.Corpus;

/// <summary>
/// Writes the corpus from <c>areas.txt</c>: templates × phrase lists, seeded, so the same command gives the same
/// files. Items are split by the combination of phrases they were made from (a thing with a problem, or an ask),
/// so a held-out item's combination never appears in training, not even reworded by another template.
/// </summary>
public static class CorpusGenerator
{
    public const int DefaultSeed = 5;

    /// <summary>Items per area: more than one per phrase, so each phrase's words are met in training more than once.</summary>
    public const int DefaultItemsPerArea = 1000;

    /// <summary>Real-style card renderings (<see cref="CardRenderer"/>) of each area's training profiles.</summary>
    public const int CardsPerArea = 4;

    /// <summary>One in this many combinations is held out.</summary>
    private const int HeldOutOneIn = 5;

    private static readonly string[] s_thingTemplates =
    [
        "{thing} {problem} {context}", "{thing} {problem}", "customer report: {thing} {problem} {context}",
        "noticed that {thing} {problem}", "{thing} {problem}, can someone take a look?", "heads up, {thing} {problem} {context}",
    ];

    private static readonly string[] s_askTemplates =
    [
        "{ask}", "can someone {ask}?", "we need to {ask} {context}", "{ask} {context}", "please {ask}", "todo: {ask}",
        "could you {ask} {context}?",
    ];

    private static readonly string[] s_symptomTemplates =
    [
        "{phrase}", "{phrase}", "{phrase} {context}", "since this morning {phrase}", "{phrase}, any idea why?", "customer report: {phrase}",
        "hi team, {phrase}", "not sure who owns this but {phrase}", "{phrase} again",
    ];

    private static readonly string[] s_questionTemplates = ["{phrase}", "{phrase}", "quick question: {phrase}", "hi all, {phrase}"];

    private static readonly string[] s_requestTemplates = ["{phrase}", "{phrase}", "Hi team, {phrase}", "{phrase} Thanks."];

    private static readonly string[] s_chatTemplates = ["{phrase}", "{phrase}", "{phrase} pls", "{phrase} {context}"];

    private static readonly string[] s_trackerTemplates = ["{phrase}", "{phrase}", "{phrase}", "{phrase} {context}"];

    /// <summary>The share of items with a second sentence of the area below the title.</summary>
    private const double DescribedShare = 0.3;

    private enum TitleKind
    {
        ThingProblem,
        Ask,
        Symptom,
        Question,
        Request,
        Chat,
        Tracker,
    }

    /// <summary>Words about size, which the duration follows: the expected-duration head has something to read.</summary>
    private static readonly (string Prefix, double Factor)[] s_scopes =
    [
        (string.Empty, 1.0), (string.Empty, 1.0), ("quick one: ", 0.35), ("small task: ", 0.5), ("big job: ", 3.0),
        ("whole project: ", 6.0), ("urgent: ", 1.0),
    ];

    /// <summary>Notes that say nothing about the area, as real tickets often carry.</summary>
    private static readonly string[] s_notes =
    [
        string.Empty, string.Empty, string.Empty, "Deadline is Friday.", "Ping me when it is done.", "See the screenshot in the thread.",
        "Reported twice this week.", "Low priority.", "This is blocking the release.", "Ask Sam if anything is unclear.",
    ];

    public static SkillCorpus Generate(IReadOnlyList<SkillArea> areas, int itemsPerArea, int seed)
    {
        ArgumentNullException.ThrowIfNull(areas);
        var random = new Random(seed);
        var train = new List<CorpusItem>();
        var heldOut = new List<CorpusItem>();
        foreach (var area in areas)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var attempt = 0; seen.Count < itemsPerArea && attempt < itemsPerArea * 20; attempt++)
            {
                var item = MakeItem(area, random, $"{area.Id}-{seen.Count:D4}");
                if (seen.Add(item.Title + "\n" + item.Description))
                {
                    (IsHeldOut(item.Combo) ? heldOut : train).Add(item);
                }
            }
        }

        // The last profile of each area is held out too, so evaluation meets profiles it never trained on.
        var profiles = areas.SelectMany(area => area.Profiles.Select((profile, index) => new CorpusProfile(
            area.Id, index == area.Profiles.Count - 1 ? SkillCorpus.HeldOutSplit : SkillCorpus.TrainSplit, profile))).ToList();

        // A generator of its own, so that the items above stay what they were before cards were rendered.
        var cardRandom = new Random(seed + 1);
        profiles.AddRange(areas.SelectMany(area => CardRenderer.Render(
            area, area.Profiles.Take(area.Profiles.Count - 1).ToList(), train.Where(item => item.Area == area.Id).ToList(), CardsPerArea, cardRandom)
            .Select(card => new CorpusProfile(area.Id, SkillCorpus.TrainSplit, card))));
        return new SkillCorpus(areas.Select(area => area.Id).ToList(), train, heldOut, profiles);
    }

    /// <summary>
    /// More training items like the corpus's (never of a held-out combination), made afresh for a training run rather than shipped:
    /// routing learns from the phrases in more combinations than the shipped split holds.
    /// </summary>
    public static IReadOnlyList<CorpusItem> MoreTrainingItems(IReadOnlyList<SkillArea> areas, int perArea, int seed)
    {
        ArgumentNullException.ThrowIfNull(areas);
        var random = new Random(seed);
        var items = new List<CorpusItem>(areas.Count * perArea);
        foreach (var area in areas)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var attempt = 0; seen.Count < perArea && attempt < perArea * 20; attempt++)
            {
                var item = MakeItem(area, random, $"{area.Id}-more-{seen.Count:D5}");
                if (!IsHeldOut(item.Combo) && seen.Add(item.Title + "\n" + item.Description))
                {
                    items.Add(item);
                }
            }
        }

        return items;
    }

    public static bool IsHeldOut(string combo) => StableHash(combo) % HeldOutOneIn == 0;

    /// <summary>FNV-1a: string.GetHashCode differs per process, and the split must not.</summary>
    public static uint StableHash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    internal static CorpusItem MakeItem(SkillArea area, Random random, string id)
    {
        var (scope, scopeFactor) = Pick(s_scopes, random);
        var (title, combo, anchor) = Title(area, random);
        var heldOut = IsHeldOut(combo);
        var description = Pick(s_notes, random);
        if (random.NextDouble() < DescribedShare && Sentence(area, random, heldOut) is { } body)
        {
            // People often say more below the title: another sentence about the same work, then perhaps a note.
            description = string.IsNullOrEmpty(description) ? body : $"{body} {description}";
        }

        // The phrase sets the size of the job (some asks are bigger than others), the scope word scales it, noise blurs it.
        var phraseFactor = 0.6 + (StableHash(anchor) % 1000 / 1000.0);
        var noise = Math.Exp(0.25 * Gaussian(random));
        var seconds = Math.Round(area.MedianMinutes * 60 * scopeFactor * phraseFactor * noise);
        return new CorpusItem(id, area.Id, Capitalize(scope + title), description, seconds, combo);
    }

    /// <summary>A title of one of the kinds people write, with the combination it was made from and the phrase that sets its size.</summary>
    private static (string Title, string Combo, string Anchor) Title(SkillArea area, Random random)
    {
        var context = Pick(area.Contexts, random);
        var kinds = TitleKinds(area);
        var kind = kinds[random.Next(kinds.Count)];
        switch (kind)
        {
            case TitleKind.ThingProblem:
                var (thing, problem) = (Pick(area.Things, random), Pick(area.Problems, random));
                var text = Pick(s_thingTemplates, random).Replace("{thing}", thing, StringComparison.Ordinal).Replace("{problem}", problem, StringComparison.Ordinal);
                return (text.Replace("{context}", context, StringComparison.Ordinal), $"{area.Id}|{thing}|{problem}", thing);
            case TitleKind.Ask:
                var ask = Pick(area.Asks, random);
                return (Pick(s_askTemplates, random).Replace("{ask}", ask, StringComparison.Ordinal).Replace("{context}", context, StringComparison.Ordinal),
                    $"{area.Id}|{ask}", ask);
            default:
                var (phrases, templates) = SentenceKind(area, kind);
                var phrase = Pick(phrases, random);
                return (Pick(templates, random).Replace("{phrase}", phrase, StringComparison.Ordinal).Replace("{context}", context, StringComparison.Ordinal),
                    $"{area.Id}|{phrase}", phrase);
        }
    }

    /// <summary>A whole sentence of the area (a symptom or a request) for a description, from the same side of the split as its title.</summary>
    private static string? Sentence(SkillArea area, Random random, bool heldOut)
    {
        var phrases = area.Symptoms.Concat(area.Requests).ToList();
        for (var attempt = 0; phrases.Count > 0 && attempt < 10; attempt++)
        {
            var phrase = Pick(phrases, random);
            if (IsHeldOut($"{area.Id}|{phrase}") == heldOut)
            {
                var sentence = Capitalize(phrase);
                return sentence.EndsWith('.') || sentence.EndsWith('?') ? sentence : sentence + ".";
            }
        }

        return null;
    }

    /// <summary>The kinds of title an area can make, weighted by how often each is drawn; sentence kinds only where the area has phrases for them.</summary>
    private static List<TitleKind> TitleKinds(SkillArea area)
    {
        var kinds = new List<TitleKind> { TitleKind.ThingProblem, TitleKind.ThingProblem, TitleKind.ThingProblem, TitleKind.Ask, TitleKind.Ask };
        kinds.AddRange(area.Symptoms.Count > 0 ? [TitleKind.Symptom, TitleKind.Symptom] : []);
        kinds.AddRange(area.Questions.Count > 0 ? [TitleKind.Question] : []);
        kinds.AddRange(area.Requests.Count > 0 ? [TitleKind.Request] : []);
        kinds.AddRange(area.Chats.Count > 0 ? [TitleKind.Chat] : []);
        kinds.AddRange(area.Titles.Count > 0 ? [TitleKind.Tracker, TitleKind.Tracker] : []);
        return kinds;
    }

    private static (IReadOnlyList<string> Phrases, string[] Templates) SentenceKind(SkillArea area, TitleKind kind) => kind switch
    {
        TitleKind.Question => (area.Questions, s_questionTemplates),
        TitleKind.Request => (area.Requests, s_requestTemplates),
        TitleKind.Chat => (area.Chats, s_chatTemplates),
        TitleKind.Tracker => (area.Titles, s_trackerTemplates),
        _ => (area.Symptoms, s_symptomTemplates),
    };

    private static T Pick<T>(IReadOnlyList<T> options, Random random) => options[random.Next(options.Count)];

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static string Capitalize(string text) =>
        text.Length == 0 ? text : char.ToUpper(text[0], CultureInfo.InvariantCulture) + text[1..];
}
