using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Distillation;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Training;

/// <summary>
/// Makes the skill model from a pretrained teacher and the corpus. The student takes the teacher's vocabulary, and its token
/// embeddings are the teacher's reading of each piece reduced to the student's width, frozen (<see cref="PieceEmbeddings"/>); it
/// then learns to read sentences as the teacher does (<see cref="DistillationPhase"/>), then to route items to skill areas
/// (<see cref="RoutingPhase"/>). After each step the routers' biases are nudged toward the experts that were under-used,
/// DeepSeek-V3's auxiliary-loss-free balancing.
/// </summary>
public sealed class SkillTrainer(TrainOptions options, TextWriter log)
{
    public (SkillNetwork Network, WordPieceTokenizer Tokenizer) Train(SkillCorpus corpus, TeacherData teacher)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(teacher);
        torch.manual_seed(options.Seed);
        var random = new Random(options.Seed);
        var (network, tokenizer) = options.Init is { } init ? SkillModelFiles.Load(init) : Fresh(corpus, teacher);
        network.TokenEmbeddings.weight!.requires_grad = false;
        log.WriteLine($"student: {network.parameters().Sum(p => p.numel()):N0} parameters ({network.parameters().Where(p => p.requires_grad).Sum(p => p.numel()):N0} trained), " +
                      $"{tokenizer.VocabularySize:N0} pieces{(options.Init is null ? string.Empty : $" from {options.Init}")}; " +
                      $"{teacher.Sentences.Texts.Count:N0} teacher sentences, {corpus.Train.Count:N0} corpus items");

        using var distillation = new DistillationPhase(network, tokenizer, teacher.Sentences, options.MaxTokens, options.DistillBatch, random);
        log.WriteLine($"before distillation: check cosine {distillation.CheckCosine():F4}");
        if (options.DistillSteps > 0)
        {
            distillation.Run(options.DistillSteps, options.DistillLearningRate, options.BiasUpdateRate, log);
        }

        if (options.SaveDistilled is { } distilled)
        {
            SkillModelFiles.Save(distilled, network, tokenizer);
        }

        // Routing may leave the lower layers as distillation taught them, so that what they learned of language stays.
        foreach (var parameter in network.Layers.Take(options.RouteFreezeBelow).SelectMany(layer => layer.parameters()))
        {
            parameter.requires_grad = false;
        }

        new RoutingPhase(network, tokenizer, corpus, options, random).Run(distillation, log);
        log.WriteLine($"after routing: check cosine {distillation.CheckCosine():F4}");
        network.eval();
        return (network, tokenizer);
    }

    /// <summary>A student with the teacher's vocabulary and, as its token embeddings, the teacher's pieces reduced to its width.</summary>
    private (SkillNetwork Network, WordPieceTokenizer Tokenizer) Fresh(SkillCorpus corpus, TeacherData teacher)
    {
        var tokenizer = new WordPieceTokenizer(teacher.Pieces.Texts);
        var logDurations = corpus.Train.Select(item => Math.Log(item.DurationSeconds)).ToArray();
        var mean = logDurations.Average();
        var heads = new SkillHeadsConfig
        {
            Areas = corpus.Areas,
            EmbeddingDim = teacher.Sentences.Width,
            MaxTokens = options.MaxTokens,
            DurationLogMean = mean,
            DurationLogStd = Math.Sqrt(logDurations.Average(x => (x - mean) * (x - mean))),
        };
        var network = new SkillNetwork(options.EncoderConfig(tokenizer.VocabularySize), heads);
        using (no_grad())
        {
            using var embeddings = PieceEmbeddings.Reduce(teacher.Pieces.Vectors, options.HiddenSize);
            network.TokenEmbeddings.weight!.copy_(embeddings);
        }

        return (network, tokenizer);
    }
}
