using System.Text.RegularExpressions;
using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Evaluation;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Tests.Evaluation;

/// <summary>The real-style set measures reading people's words only while no training text contains them.</summary>
public sealed partial class RealStyleSeparationTests
{
    private const int RunLength = 8;

    [Fact]
    public void No_task_shares_an_eight_word_run_with_any_training_text()
    {
        var set = RealStyleEvalSet.Load(SkillCorpus.DefaultFolder());
        var runs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var task in set.Tasks)
        {
            foreach (var run in Runs($"{task.Text} {task.Description}"))
            {
                runs.TryAdd(run, task.Text);
            }
        }

        var shared = TrainingTexts().SelectMany(text => Runs(text).Where(runs.ContainsKey).Select(run => $"\"{run}\" (task \"{runs[run]}\", training \"{text}\")"))
            .Distinct().Take(5).ToList();

        Assert.True(shared.Count == 0, string.Join("\n", shared));
    }

    [Fact]
    public void The_check_finds_a_task_copied_into_training()
    {
        var copied = "our books for march do not balance against the bank statement at all";

        Assert.Contains(Runs(copied).First(), Runs($"note: {copied}").ToHashSet(StringComparer.Ordinal));
        Assert.Empty(Runs("seven words are not enough to match"));
    }

    /// <summary>
    /// Everything training reads: the phrase files, the corpus's items and profiles, and the texts the student distils from the
    /// teacher, made as the train command makes them (<see cref="DistillationTexts"/> with its defaults).
    /// </summary>
    private static IEnumerable<string> TrainingTexts()
    {
        var root = Path.Combine(SkillCorpus.DefaultFolder(), "..");
        var corpus = SkillCorpus.Load(SkillCorpus.DefaultFolder());
        var phraseFiles = new[] { Path.Combine(root, SkillArea.AreasFile) }
            .Concat(Directory.Exists(Path.Combine(root, SkillArea.BroadFolder)) ? Directory.GetFiles(Path.Combine(root, SkillArea.BroadFolder), "*.txt") : []);
        return phraseFiles.SelectMany(File.ReadLines)
            .Concat(corpus.Train.Concat(corpus.HeldOut).Select(item => SkillText.Of(item.ToWorkItem())))
            .Concat(corpus.Profiles.Select(profile => SkillText.Of(profile.Profile)))
            .Concat(DistillationTexts.Generate(SkillArea.Load(root), corpus, DistillationTexts.DefaultCount, DistillationTexts.DefaultSeed));
    }

    private static IEnumerable<string> Runs(string text)
    {
        var words = Word().Matches(text.ToLowerInvariant()).Select(match => match.Value).ToArray();
        for (var start = 0; start + RunLength <= words.Length; start++)
        {
            yield return string.Join(' ', words, start, RunLength);
        }
    }

    [GeneratedRegex("[\\p{L}\\p{N}]+")]
    private static partial Regex Word();
}
