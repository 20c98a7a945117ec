using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Lexical;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Tests.Corpus;

public sealed class SkillCorpusTests
{
    private static readonly SkillCorpus s_corpus = SkillCorpus.Load(SkillCorpus.DefaultFolder());

    [Fact]
    public void No_held_out_text_appears_in_training()
    {
        var train = s_corpus.Train.Select(item => SkillText.Of(item.ToWorkItem())).ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.DoesNotContain(s_corpus.HeldOut, item => train.Contains(SkillText.Of(item.ToWorkItem())));
    }

    [Fact]
    public void No_held_out_phrase_combination_appears_in_training()
    {
        var combos = s_corpus.Train.Select(item => item.Combo).ToHashSet(StringComparer.Ordinal);

        Assert.DoesNotContain(s_corpus.HeldOut, item => combos.Contains(item.Combo));
    }

    [Fact]
    public void Every_area_has_held_out_items_and_one_held_out_profile()
    {
        Assert.All(s_corpus.Areas, area =>
        {
            Assert.Contains(s_corpus.HeldOut, item => item.Area == area);
            Assert.Single(s_corpus.ProfilesOf(SkillCorpus.HeldOutSplit), profile => profile.Area == area);
        });
    }

    [Fact]
    public void Held_out_items_share_few_words_with_their_profiles_tags()
    {
        var tags = s_corpus.Profiles.GroupBy(p => p.Area).ToDictionary(
            g => g.Key, g => g.SelectMany(p => p.Profile.Skills.SelectMany(s => s.Tags)).SelectMany(TextTerms.Split).ToHashSet(StringComparer.Ordinal));

        var overlapping = s_corpus.HeldOut.Count(item => TextTerms.Split(item.Title).Any(tags[item.Area].Contains));

        Assert.True(overlapping < s_corpus.HeldOut.Count / 2, $"{overlapping} of {s_corpus.HeldOut.Count} held-out items share a word with their area's tags");
    }

    [Fact]
    public void The_shipped_corpus_is_what_the_generator_makes()
    {
        var areas = SkillArea.Load(Path.Combine(SkillCorpus.DefaultFolder(), ".."));

        var regenerated = CorpusGenerator.Generate(areas, CorpusGenerator.DefaultItemsPerArea, CorpusGenerator.DefaultSeed);

        Assert.Equal(s_corpus.HeldOut.Select(item => item.Title), regenerated.HeldOut.Select(item => item.Title));
        Assert.Equal(s_corpus.Train.Count, regenerated.Train.Count);
        Assert.Equal(s_corpus.Profiles.Select(p => SkillText.Of(p.Profile)), regenerated.Profiles.Select(p => SkillText.Of(p.Profile)));
    }

    [Fact]
    public void Real_style_cards_are_trained_on_and_never_show_held_out_items()
    {
        var cards = s_corpus.Profiles.Where(p => p.Profile.Skills.Count > 1).ToList();
        var heldOutTitles = s_corpus.HeldOut.Select(item => item.Title).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(s_corpus.Areas.Count * CorpusGenerator.CardsPerArea, cards.Count);
        Assert.All(cards, card =>
        {
            Assert.Equal(SkillCorpus.TrainSplit, card.Split);
            Assert.DoesNotContain(card.Profile.Skills.SelectMany(skill => skill.Examples), heldOutTitles.Contains);
        });
    }

    [Fact]
    public void Real_style_cards_do_not_all_name_their_skills_after_the_area()
    {
        var areaNames = SkillArea.Parse(File.ReadAllText(Path.Combine(SkillCorpus.DefaultFolder(), "..", "areas.txt"))).Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        var skills = s_corpus.Profiles.Where(p => p.Profile.Skills.Count > 1).SelectMany(p => p.Profile.Skills).ToList();

        Assert.True(skills.Count(skill => areaNames.Contains(skill.Name)) < skills.Count / 3);
    }

    [Fact]
    public void Items_are_written_every_way_people_write_them()
    {
        var titles = s_corpus.Train.Select(item => item.Title).ToList();

        Assert.Contains(titles, title => title.EndsWith('?'));
        Assert.Contains(titles, title => title.StartsWith("customer report:", StringComparison.OrdinalIgnoreCase));
        Assert.True(s_corpus.Train.Count(item => item.Description.Length > 40) > s_corpus.Train.Count / 5, "too few items say more below the title");
    }

    [Fact]
    public void Every_area_has_sentences_as_people_write_them()
    {
        var areas = SkillArea.Load(Path.Combine(SkillCorpus.DefaultFolder(), ".."));

        Assert.All(areas, area =>
        {
            Assert.True(area.Symptoms.Count >= 50, $"{area.Id}: {area.Symptoms.Count} symptoms");
            Assert.True(area.Questions.Count >= 30, $"{area.Id}: {area.Questions.Count} questions");
            Assert.True(area.Requests.Count >= 30, $"{area.Id}: {area.Requests.Count} requests");
            Assert.True(area.Chats.Count >= 20, $"{area.Id}: {area.Chats.Count} chat lines");
        });
    }

    [Fact]
    public void The_distillation_texts_never_hold_a_held_out_item()
    {
        var areas = SkillArea.Load(Path.Combine(SkillCorpus.DefaultFolder(), ".."));
        var heldOut = s_corpus.HeldOut.Select(item => SkillText.Of(item.ToWorkItem())).ToHashSet(StringComparer.Ordinal);

        var texts = DistillationTexts.Generate(areas, s_corpus, 20_000, DistillationTexts.DefaultSeed);

        Assert.InRange(texts.Count, 19_800, 20_000);
        Assert.Equal(texts.Count, texts.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(texts, heldOut.Contains);
        Assert.Equal(texts, DistillationTexts.Generate(areas, s_corpus, 20_000, DistillationTexts.DefaultSeed));
    }
}
