using ClawGroups.Inference.Distillation;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Tests.Model;
using ClawGroups.Inference.Tokenization;
using ClawGroups.Inference.Training;

namespace ClawGroups.Inference.Tests.Training;

public sealed class DistillationPhaseTests
{
    private static readonly string[] s_words =
        ["pods", "restart", "ledger", "balance", "invoice", "button", "footer", "translate", "german", "contract", "clause", "deploy", "query", "slow", "index", "survey"];

    [Fact]
    public void The_student_comes_to_read_texts_it_never_trained_on_as_the_teacher_does()
    {
        var random = new Random(4);
        var texts = Enumerable.Range(0, 400).Select(_ => string.Join(' ', Enumerable.Range(0, 3 + random.Next(4)).Select(_ => s_words[random.Next(s_words.Length)])))
            .Distinct().ToList();
        var tokenizer = WordPieceTrainer.Train(texts, 100);
        var teacher = new TeacherVectors("test", texts, texts.Select(TeacherReading).ToArray());
        using var network = new SkillNetwork(TinyConfig.Create() with { VocabSize = tokenizer.VocabularySize },
            new SkillHeadsConfig { Areas = ["a", "b"], EmbeddingDim = 8 });
        using var phase = new DistillationPhase(network, tokenizer, teacher, 16, batchSize: 16, random);
        var before = phase.CheckCosine();

        phase.Run(steps: 150, learningRate: 3e-3, biasRate: 1e-3, TextWriter.Null);

        var after = phase.CheckCosine();
        Assert.True(after > before + 0.2, $"check cosine {before:F3} → {after:F3}");
    }

    /// <summary>A made-up teacher: a text's vector is the normalised sum of fixed per-word vectors, so it is learnable from the words.</summary>
    private static float[] TeacherReading(string text)
    {
        var vector = new float[8];
        foreach (var word in text.Split(' '))
        {
            var seeded = new Random(Array.IndexOf(s_words, word));
            for (var d = 0; d < vector.Length; d++)
            {
                vector[d] += (float)(seeded.NextDouble() - 0.5);
            }
        }

        var norm = MathF.Sqrt(vector.Sum(x => x * x));
        return vector.Select(x => x / norm).ToArray();
    }
}
