using System.Diagnostics;
using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Training;

/// <summary>
/// Teaches the student the areas of work: in-batch InfoNCE between items and profiles (every profile of the item's area in the
/// batch is a positive), multi-label skill-area cross-entropy on both, duration regression on items, and the distillation loss on a
/// batch of the teacher's texts so that what was learned of language stays. Each batch holds areas in pairs of near neighbours
/// (nearest by the student's own reading of their items), so the negatives it learns from are the confusions that matter.
/// </summary>
public sealed class RoutingPhase(SkillNetwork network, WordPieceTokenizer tokenizer, SkillCorpus corpus, TrainOptions options, Random random)
{
    /// <summary>Areas per batch come as anchor + nearest neighbour; items per area in a batch.</summary>
    private const int ItemsPerArea = 4;
    private const int NeighboursConsidered = 3;

    public void Run(DistillationPhase distillation, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(distillation);
        ArgumentNullException.ThrowIfNull(log);
        var heads = network.HeadsConfig;
        var areaIndex = corpus.Areas.Select((area, index) => (area, index)).ToDictionary(p => p.area, p => p.index);
        var items = corpus.Train.Select(item => new Example(
            tokenizer.Encode(SkillText.Of(item.ToWorkItem()), options.MaxTokens), areaIndex[item.Area],
            (Math.Log(item.DurationSeconds) - heads.DurationLogMean) / heads.DurationLogStd)).ToArray();
        var byArea = items.GroupBy(item => item.Area).ToDictionary(g => g.Key, g => g.ToArray());
        var profiles = corpus.ProfilesOf(SkillCorpus.TrainSplit).GroupBy(p => areaIndex[p.Area]).ToDictionary(g => g.Key, g => g.Select(p => p.Profile).ToList());
        var neighbours = NearAreas(byArea);
        log.WriteLine("near areas: " + string.Join("; ", neighbours.Select((near, a) => $"{corpus.Areas[a]} → {string.Join(", ", near.Select(n => corpus.Areas[n]))}")));

        using var optimizer = new AdamWOptimizer(network.parameters().Where(p => p.requires_grad), options.RouteLearningRate, weightDecay: 0.01);
        network.train();
        var clock = Stopwatch.StartNew();
        for (var step = 1; step <= options.RouteSteps; step++)
        {
            using var scope = NewDisposeScope();
            var batch = Batch(byArea, neighbours);
            var profileTexts = batch.Select(item => AugmentedProfile(profiles[item.Area])).ToList();
            var sequences = batch.Select(item => WithoutSomePieces(item.Ids)).Concat(profileTexts.Select(text => tokenizer.Encode(text, options.MaxTokens))).ToList();
            var (ids, mask) = TokenBatch.Pad(sequences, tokenizer.PadId, CPU);
            var pooled = network.Encode(ids, mask);
            var (itemPooled, profilePooled) = (pooled.narrow(0, 0, batch.Length), pooled.narrow(0, batch.Length, batch.Length));

            var areas = tensor(batch.Select(item => (long)item.Area).ToArray());
            var contrastive = Contrastive(network.Embed(itemPooled), network.Embed(profilePooled), areas, heads.Temperature);
            var targets = nn.functional.one_hot(areas, corpus.Areas.Count).to(float32);
            var skills = nn.functional.binary_cross_entropy_with_logits(network.SkillLogits(pooled), cat([targets, targets], 0));
            var duration = nn.functional.mse_loss(network.DurationStandardLog(itemPooled), tensor(batch.Select(item => (float)item.LogDuration).ToArray()));
            var language = distillation.RandomBatchLoss(batch.Length);
            var loss = contrastive.Plus(skills.Times(5)).Plus(duration.Times(0.5)).Plus(language.Times(options.RouteDistillWeight));

            TrainingStep.Apply(network, optimizer, loss, options.RouteLearningRate, step, options.RouteSteps, options.BiasUpdateRate);

            if (step % 100 == 0 || step == 1)
            {
                log.WriteLine($"route {step,5}/{options.RouteSteps}: loss {loss.item<float>():F3} (contrastive {contrastive.item<float>():F3}, skills {skills.item<float>():F4}, " +
                              $"duration {duration.item<float>():F3}, language {language.item<float>():F3}), {clock.Elapsed.TotalSeconds:F0}s, " +
                              $"expert load {string.Join(' ', network.Routers[^1].LastExpertLoad())}");
            }
        }

        network.eval();
    }

    /// <summary>In-batch InfoNCE both ways; columns (rows) of the same area are all positives.</summary>
    public static Tensor Contrastive(Tensor items, Tensor profiles, Tensor areas, double temperature)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(areas);
        var logits = items.matmul(profiles.t()).DividedBy(temperature);
        var positive = areas.unsqueeze(1).eq(areas.unsqueeze(0));
        var negativeInfinity = tensor(float.NegativeInfinity);
        var itemToProfile = logits.logsumexp(1) - logits.where(positive, negativeInfinity).logsumexp(1);
        var profileToItem = logits.logsumexp(0) - logits.where(positive, negativeInfinity).logsumexp(0);
        return itemToProfile.mean().Plus(profileToItem.mean()).DividedBy(2);
    }

    /// <summary>Each area's nearest areas by the cosine of the centroids of the student's embeddings of (up to 64 of) their items.</summary>
    private int[][] NearAreas(Dictionary<int, Example[]> byArea)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        network.eval();
        var centroids = Enumerable.Range(0, corpus.Areas.Count).Select(area =>
        {
            var sample = byArea[area].OrderBy(_ => random.Next()).Take(64).Select(item => item.Ids).ToList();
            var (ids, mask) = TokenBatch.Pad(sample, tokenizer.PadId, CPU);
            return nn.functional.normalize(network.Embed(network.Encode(ids, mask)).mean([0]), p: 2, dim: 0);
        }).ToList();
        var similarity = stack(centroids).matmul(stack(centroids).t()).data<float>().ToArray();
        var count = corpus.Areas.Count;
        return Enumerable.Range(0, count).Select(a => Enumerable.Range(0, count).Where(b => b != a)
            .OrderByDescending(b => similarity[(a * count) + b]).Take(NeighboursConsidered).ToArray()).ToArray();
    }

    /// <summary>Anchor areas at random, each with one of its near neighbours, <see cref="ItemsPerArea"/> items of each.</summary>
    private Example[] Batch(Dictionary<int, Example[]> byArea, int[][] neighbours)
    {
        var areas = new List<int>();
        while (areas.Count * ItemsPerArea < options.RouteBatch)
        {
            var anchor = random.Next(corpus.Areas.Count);
            var near = neighbours[anchor][random.Next(neighbours[anchor].Length)];
            areas.AddRange(new[] { anchor, near }.Where(area => !areas.Contains(area)));
        }

        return areas.SelectMany(area => Enumerable.Range(0, ItemsPerArea).Select(_ => byArea[area][random.Next(byArea[area].Length)]))
            .Take(options.RouteBatch).ToArray();
    }

    /// <summary>The item's pieces, each but [CLS] left out with the word-dropout chance (never all of them).</summary>
    private int[] WithoutSomePieces(int[] ids)
    {
        if (options.RouteWordDropout <= 0 || ids.Length <= 2)
        {
            return ids;
        }

        var kept = ids.Where((_, i) => i == 0 || random.NextDouble() >= options.RouteWordDropout).ToArray();
        return kept.Length > 1 ? kept : ids;
    }

    /// <summary>A profile with some of its tags and its examples left out, so the encoder learns the area, not one card's wording.</summary>
    private string AugmentedProfile(List<SkillProfile> candidates)
    {
        var profile = candidates[random.Next(candidates.Count)];
        var skill = profile.Skills[random.Next(profile.Skills.Count)];
        var tags = skill.Tags.Where(_ => random.NextDouble() < 0.7).OrderBy(_ => random.Next()).ToList();
        var examples = random.NextDouble() < 0.5 ? skill.Examples : [];
        return TokenBatch.SkillInput(profile, skill with { Tags = tags, Examples = examples });
    }

    private sealed record Example(int[] Ids, int Area, double LogDuration);
}
