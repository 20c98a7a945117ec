using System.Diagnostics;
using ClawGroups.Inference.Distillation;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Training;

/// <summary>
/// Teaches the student to read sentences as the teacher does: its affinity embedding of each distillation text should be the
/// teacher's vector of it (cosine), and nearer to it than to the batch's other texts' vectors (InfoNCE), which keeps the ranking
/// the routing depends on, not just the direction. The last texts are kept out as a check of how far the student has come.
/// </summary>
public sealed class DistillationPhase : IDisposable
{
    /// <summary>Temperature of the in-batch ranking term, and its weight beside the cosine term.</summary>
    private const double Temperature = 0.05;
    private const double RankingWeight = 0.2;

    private const int CheckTexts = 2000;

    private readonly SkillNetwork _network;
    private readonly int[][] _sequences;
    private readonly Tensor _targets;
    private readonly int _padId;
    private readonly LengthBuckets _buckets;
    private readonly Random _random;

    public DistillationPhase(SkillNetwork network, WordPieceTokenizer tokenizer, TeacherVectors sentences, int maxTokens, int batchSize, Random random)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(sentences);
        _network = network;
        _random = random;
        _padId = tokenizer.PadId;
        _sequences = sentences.Texts.Select(text => tokenizer.Encode(text, maxTokens)).ToArray();
        var flat = sentences.Vectors.SelectMany(vector => vector).ToArray();
        _targets = tensor(flat, [sentences.Vectors.Length, sentences.Width]).DetachFromDisposeScope();
        var checkedOut = Math.Min(CheckTexts, _sequences.Length / 10);
        TrainCount = _sequences.Length - checkedOut;
        _buckets = new LengthBuckets(_sequences[..TrainCount], batchSize, random);
    }

    /// <summary>The texts trained on; the rest are the check.</summary>
    public int TrainCount { get; }

    /// <summary>The distillation loss of a random batch of <paramref name="size"/> training texts (for the routing phase to keep it up).</summary>
    public Tensor RandomBatchLoss(int size) =>
        Loss(Enumerable.Range(0, size).Select(_ => _random.Next(TrainCount)).ToArray());

    public void Run(int steps, double learningRate, double biasRate, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        using var optimizer = new AdamWOptimizer(_network.parameters().Where(p => p.requires_grad), learningRate, weightDecay: 0.01);
        _network.train();
        var clock = Stopwatch.StartNew();
        for (var step = 1; step <= steps; step++)
        {
            using var scope = NewDisposeScope();
            var loss = Loss(_buckets.Next());
            TrainingStep.Apply(_network, optimizer, loss, learningRate, step, steps, biasRate);
            if (step % 250 == 0 || step == 1)
            {
                log.WriteLine($"distill {step,5}/{steps}: loss {loss.item<float>():F4}, {clock.Elapsed.TotalSeconds:F0}s" +
                              (step % 1000 == 0 || step == steps ? $", check cosine {CheckCosine():F4}" : string.Empty));
            }
        }

        _network.eval();
    }

    public void Dispose() => _targets.Dispose();

    /// <summary>Mean cosine of the student's and the teacher's vectors on the texts kept out of training.</summary>
    public double CheckCosine()
    {
        var wasTraining = _network.training;
        _network.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var total = 0.0;
        var indices = Enumerable.Range(TrainCount, _sequences.Length - TrainCount).ToArray();
        foreach (var chunk in indices.Chunk(128))
        {
            using var chunkScope = NewDisposeScope();
            var (student, teacher) = Embed(chunk);
            total += (student * teacher).sum().item<float>();
        }

        _network.train(wasTraining);
        return total / indices.Length;
    }

    private Tensor Loss(int[] batch)
    {
        var (student, teacher) = Embed(batch);
        var cosine = Arithmetic.Minus(1, (student * teacher).sum(-1).mean());
        var logits = student.matmul(teacher.t()).DividedBy(Temperature);
        var ranking = nn.functional.cross_entropy(logits, Arithmetic.Range(batch.Length, 1, int64));
        return cosine.Plus(ranking.Times(RankingWeight));
    }

    private (Tensor Student, Tensor Teacher) Embed(int[] batch)
    {
        var (ids, mask) = TokenBatch.Pad(batch.Select(i => _sequences[i]).ToList(), _padId, CPU);
        var student = _network.Embed(_network.Encode(ids, mask));
        return (student, _targets.index_select(0, tensor(batch.Select(i => (long)i).ToArray())));
    }
}
