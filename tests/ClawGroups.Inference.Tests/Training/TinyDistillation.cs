using ClawGroups.Inference.Distillation;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Tests.Model;
using ClawGroups.Inference.Tokenization;
using ClawGroups.Inference.Training;

namespace ClawGroups.Inference.Tests.Training;

/// <summary>
/// A tiny student and a made-up teacher whose vector of a text is the normalised sum of fixed per-word vectors, so the
/// teacher's reading is learnable from the words. Everything is seeded: two instances train identically.
/// </summary>
internal sealed class TinyDistillation : IDisposable
{
    private static readonly string[] s_words =
        ["pods", "restart", "ledger", "balance", "invoice", "button", "footer", "translate", "german", "contract", "clause", "deploy", "query", "slow", "index", "survey"];

    public TinyDistillation()
    {
        var random = new Random(4);
        var texts = Enumerable.Range(0, 400).Select(_ => string.Join(' ', Enumerable.Range(0, 3 + random.Next(4)).Select(_ => s_words[random.Next(s_words.Length)])))
            .Distinct().ToList();
        var tokenizer = WordPieceTrainer.Train(texts, 100);
        var teacher = new TeacherVectors("test", texts, texts.Select(TeacherReading).ToArray());
        TorchSharp.torch.manual_seed(4);
        Network = new SkillNetwork(TinyConfig.Create() with { VocabSize = tokenizer.VocabularySize }, new SkillHeadsConfig { Areas = ["a", "b"], EmbeddingDim = 8 });
        Phase = new DistillationPhase(Network, tokenizer, teacher, 16, batchSize: 16, random);
    }

    public SkillNetwork Network { get; }

    public DistillationPhase Phase { get; }

    public void Dispose()
    {
        Phase.Dispose();
        Network.Dispose();
    }

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
