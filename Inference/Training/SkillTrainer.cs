using System.Diagnostics;
using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Training;

/// <summary>
/// Trains the encoder and heads on the corpus's training split: in-batch InfoNCE between items and profiles of
/// their area (every profile of the same area in the batch counts as a positive), multi-label skill-area
/// cross-entropy on both, and duration regression on items. After each step the routers' biases are nudged
/// toward the experts that were under-used, DeepSeek-V3's auxiliary-loss-free balancing.
/// </summary>
public sealed class SkillTrainer(TrainOptions options, TextWriter log)
{
    public (SkillNetwork Network, WordPieceTokenizer Tokenizer) Train(SkillCorpus corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        torch.manual_seed(options.Seed);
        var random = new Random(options.Seed);
        var profiles = corpus.ProfilesOf(SkillCorpus.TrainSplit).GroupBy(p => p.Area).ToDictionary(g => g.Key, g => g.Select(p => p.Profile).ToList());
        var trainTexts = corpus.Train.Select(item => SkillText.Of(item.ToWorkItem()))
            .Concat(profiles.Values.SelectMany(list => list).SelectMany(p => p.Skills.Select(s => TokenBatch.SkillInput(p, s))));
        var tokenizer = WordPieceTrainer.Train(trainTexts, options.VocabularySize);

        var logDurations = corpus.Train.Select(item => Math.Log(item.DurationSeconds)).ToArray();
        var mean = logDurations.Average();
        var heads = new SkillHeadsConfig
        {
            Areas = corpus.Areas,
            EmbeddingDim = options.EmbeddingDim,
            MaxTokens = options.MaxTokens,
            DurationLogMean = mean,
            DurationLogStd = Math.Sqrt(logDurations.Average(x => (x - mean) * (x - mean))),
        };
        var network = new SkillNetwork(options.EncoderConfig(tokenizer.VocabularySize), heads);
        var areaIndex = corpus.Areas.Select((area, index) => (area, index)).ToDictionary(p => p.area, p => p.index);
        var items = corpus.Train.Select(item => (Ids: tokenizer.Encode(SkillText.Of(item.ToWorkItem()), options.MaxTokens), Area: areaIndex[item.Area],
            LogDuration: (Math.Log(item.DurationSeconds) - mean) / heads.DurationLogStd)).ToArray();

        using var optimizer = optim.AdamW(network.parameters(), options.LearningRate, weight_decay: 0.01);
        network.train();
        var clock = Stopwatch.StartNew();
        for (var step = 1; step <= options.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var batch = Enumerable.Range(0, options.BatchSize).Select(_ => items[random.Next(items.Length)]).ToArray();
            var profileTexts = batch.Select(item => AugmentedProfile(profiles[corpus.Areas[item.Area]], random)).ToList();
            var sequences = batch.Select(item => item.Ids).Concat(profileTexts.Select(text => tokenizer.Encode(text, options.MaxTokens))).ToList();
            var (ids, mask) = TokenBatch.Pad(sequences, tokenizer.PadId, CPU);
            var pooled = network.Encode(ids, mask);
            var (itemPooled, profilePooled) = (pooled.narrow(0, 0, batch.Length), pooled.narrow(0, batch.Length, batch.Length));

            var areas = tensor(batch.Select(item => (long)item.Area).ToArray());
            var contrastive = Contrastive(network.Embed(itemPooled), network.Embed(profilePooled), areas, heads.Temperature);
            var targets = nn.functional.one_hot(areas, corpus.Areas.Count).to(float32);
            var skills = nn.functional.binary_cross_entropy_with_logits(network.SkillLogits(pooled), cat([targets, targets], 0));
            var duration = nn.functional.mse_loss(network.DurationStandardLog(itemPooled), tensor(batch.Select(item => (float)item.LogDuration).ToArray()));
            var loss = contrastive + (5 * skills) + (0.5 * duration);

            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(network.parameters(), 1.0);
            SetLearningRate(optimizer, step);
            optimizer.step();
            network.UpdateLoadBalanceBias(options.BiasUpdateRate);

            if (step % 100 == 0 || step == 1)
            {
                log.WriteLine($"step {step,5}: loss {loss.item<float>():F3} (contrastive {contrastive.item<float>():F3}, skills {skills.item<float>():F4}, " +
                              $"duration {duration.item<float>():F3}), {clock.Elapsed.TotalSeconds:F0}s, expert load {string.Join(' ', network.Routers[^1].LastExpertLoad())}");
            }
        }

        network.eval();
        return (network, tokenizer);
    }

    /// <summary>In-batch InfoNCE both ways; columns (rows) of the same area are all positives.</summary>
    private static Tensor Contrastive(Tensor items, Tensor profiles, Tensor areas, double temperature)
    {
        var logits = items.matmul(profiles.t()) / temperature;
        var positive = areas.unsqueeze(1).eq(areas.unsqueeze(0));
        var negativeInfinity = tensor(float.NegativeInfinity);
        var itemToProfile = logits.logsumexp(1) - logits.where(positive, negativeInfinity).logsumexp(1);
        var profileToItem = logits.logsumexp(0) - logits.where(positive, negativeInfinity).logsumexp(0);
        return (itemToProfile.mean() + profileToItem.mean()) / 2;
    }

    /// <summary>A profile with some of its tags and its example left out, so the encoder learns the area, not one card's wording.</summary>
    private static string AugmentedProfile(List<SkillProfile> candidates, Random random)
    {
        var profile = candidates[random.Next(candidates.Count)];
        var skill = profile.Skills[random.Next(profile.Skills.Count)];
        var tags = skill.Tags.Where(_ => random.NextDouble() < 0.7).OrderBy(_ => random.Next()).ToList();
        var examples = random.NextDouble() < 0.5 ? skill.Examples : [];
        return TokenBatch.SkillInput(profile, skill with { Tags = tags, Examples = examples });
    }

    /// <summary>Linear warm-up over 5% of the steps, then cosine decay to a tenth.</summary>
    private void SetLearningRate(optim.Optimizer optimizer, int step)
    {
        var warmup = Math.Max(1, options.Steps / 20);
        var progress = Math.Clamp((double)(step - warmup) / Math.Max(1, options.Steps - warmup), 0, 1);
        var factor = step < warmup ? (double)step / warmup : 0.1 + (0.9 * 0.5 * (1 + Math.Cos(Math.PI * progress)));
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = options.LearningRate * factor;
        }
    }
}
