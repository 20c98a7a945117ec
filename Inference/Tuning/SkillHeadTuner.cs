using ClawGroups.Inference.Corpus;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Tuning;

/// <summary>
/// Fine-tunes the heads on a group's finished assignments. The embedding head learns that each accepted item should
/// score its member's card above the group's other members' (cross-entropy over cards, a card's logit being the
/// log-sum-exp of its skills'), and that a rejected or stalled one should not score its member's card first; all the
/// while, a replay of the corpus's training items against its profiles, and an anchor to the base head, keep the base
/// skills. The duration head learns how long the group's accepted work took, and is kept only where it estimates the
/// held-out work better. The encoder stays frozen, so its pooled outputs are computed once and a tuning run is a few
/// hundred small matrix products. Always starts from the base heads, so repeated tunings do not drift.
/// </summary>
public sealed class SkillHeadTuner
{
    private readonly MoeSkillModel _model;
    private readonly TuningOptions _options;
    private readonly Lazy<CorpusPools> _corpus;

    public SkillHeadTuner(MoeSkillModel model, SkillCorpus corpus, TuningOptions options)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _corpus = new(() => CorpusPools.Build(model, corpus, options), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// Tunes a head on the examples, oldest first; they must name at least two members with skills and hold accepted
    /// work. With enough accepted work, the newest share is held out: the group's accuracy before and after is measured
    /// on work the head did not learn from, as the group's next items will be.
    /// </summary>
    public TuningReport Tune(IReadOnlyList<TuningExample> examples, CancellationToken cancellationToken) => Tune(examples, current: null, cancellationToken);

    /// <summary>
    /// Why these examples cannot be tuned on (null when they can): with fewer than two members with skills, or no
    /// accepted work on each side of the hold-out, there is no choice between members to learn or to judge.
    /// </summary>
    public string? WhyNotTunable(IReadOnlyList<TuningExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var members = GroupMembers.Candidates(examples);
        if (members.Count < 2)
        {
            return "accepted work by at least two members with skills is needed: with one, there is no choice to learn";
        }

        var (learn, validate) = Split(examples);
        bool Accepted(List<TuningExample> part) => part.Any(e => e.Succeeded && members.ContainsKey(e.Profile.MemberId));
        return Accepted(learn) && (validate.Count == 0 || Accepted(validate)) ? null : "accepted work by members with skills is needed on both sides of the hold-out";
    }

    /// <summary>
    /// As <see cref="Tune(IReadOnlyList{TuningExample}, CancellationToken)"/>, and the group's <paramref name="current"/>
    /// head, when it has one, is scored on the same held-out work: a new head must beat neither less than the base
    /// nor less than what the group already has.
    /// </summary>
    public TuningReport Tune(IReadOnlyList<TuningExample> examples, TunedHead? current, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (WhyNotTunable(examples) is { } why)
        {
            throw new ArgumentException($"These examples cannot be tuned on: {why}.", nameof(examples));
        }

        var corpus = _corpus.Value;
        using var scope = NewDisposeScope();
        var members = GroupMembers.Of(examples);
        var (learn, validate) = Split(examples);
        var heads = _model.Network.HeadsConfig;
        var group = GroupPools.Build(_model, members, learn, heads, cancellationToken);
        var check = validate.Count == 0 ? group : GroupPools.Build(_model, members, validate, heads, cancellationToken);
        var start = _model.BaseHead;
        var (baseWeight, baseBias) = start.Embedding.FixedCopy();
        var (baseDurationWeight, baseDurationBias) = start.Duration.FixedCopy();
        var groupBefore = check.Accuracy(baseWeight, baseBias);
        var baseBefore = corpus.Accuracy(baseWeight, baseBias);
        var durationBefore = check.DurationError(baseDurationWeight, baseDurationBias, heads.DurationLogStd);
        double? groupCurrent = null;
        if (current is not null)
        {
            var (currentWeight, currentBias) = current.Embedding.FixedCopy();
            groupCurrent = check.Accuracy(currentWeight, currentBias);
        }

        var random = new Random(_options.Seed);
        var (weight, bias) = start.Embedding.TrainableCopy();
        var (durationWeight, durationBias) = start.Duration.TrainableCopy();
        using var optimizer = new AdamWOptimizer(
            [new Parameter(weight, true), new Parameter(bias, true), new Parameter(durationWeight, true), new Parameter(durationBias, true)],
            _options.LearningRate, weightDecay: 0);
        var p = optimizer.Parameters;
        for (var step = 0; step < _options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var stepScope = NewDisposeScope();
            var anchor = Distance(p[0], baseWeight).Plus(Distance(p[1], baseBias)).Plus(Distance(p[2], baseDurationWeight)).Plus(Distance(p[3], baseDurationBias));
            var loss = group.Loss(p[0], p[1], heads.Temperature)
                .Plus(corpus.ReplayLoss(p[0], p[1], heads.Temperature, random, _options.ReplayBatch).Times(_options.ReplayWeight))
                .Plus(group.DurationLoss(p[2], p[3]))
                .Plus(anchor.Times(_options.AnchorWeight));
            optimizer.ZeroGrad();
            loss.backward();
            optimizer.Step();
        }

        var (tunedWeight, tunedBias, tunedDurationWeight, tunedDurationBias) = (p[0].detach(), p[1].detach(), p[2].detach(), p[3].detach());
        var durationAfter = check.DurationError(tunedDurationWeight, tunedDurationBias, heads.DurationLogStd);
        // The duration layer is kept only where it estimates the held-out work better; otherwise the base one serves.
        var durationImproved = durationBefore is { } before && durationAfter is { } after && after < before;
        var duration = durationImproved ? LinearWeights.Of(tunedDurationWeight, tunedDurationBias) : start.Duration;
        return new TuningReport(
            new TunedHead(LinearWeights.Of(tunedWeight, tunedBias), duration, start.BaseFingerprint), examples.Count, members.Profiles.Count,
            validate.Count(e => e.Succeeded), groupBefore, check.Accuracy(tunedWeight, tunedBias), baseBefore, corpus.Accuracy(tunedWeight, tunedBias),
            _options.MaxBaseAccuracyDrop)
        {
            GroupCurrent = groupCurrent,
            DurationErrorBefore = durationBefore,
            DurationErrorAfter = durationImproved ? durationAfter : durationBefore,
        };
    }

    private static Tensor Distance(Tensor tuned, Tensor start)
    {
        var difference = tuned - start;
        return (difference * difference).sum();
    }

    /// <summary>The newest <see cref="TuningOptions.ValidationShare"/> of the accepted work, when there is enough, and the rest.</summary>
    private (List<TuningExample> Learn, List<TuningExample> Validate) Split(IReadOnlyList<TuningExample> examples)
    {
        var accepted = examples.Count(e => e.Succeeded);
        if (accepted < _options.MinAcceptedToValidate)
        {
            return (examples.ToList(), []);
        }

        var held = (int)Math.Ceiling(accepted * _options.ValidationShare);
        var newest = examples.Select((e, i) => (e, i)).Where(x => x.e.Succeeded).TakeLast(held).Select(x => x.i).ToHashSet();
        return (examples.Where((_, i) => !newest.Contains(i)).ToList(), examples.Where((_, i) => newest.Contains(i)).ToList());
    }

    private static Tensor Embed(Tensor pooled, Tensor weight, Tensor bias) => nn.functional.normalize(nn.functional.linear(pooled, weight, bias), p: 2, dim: -1);

    /// <summary>The members the examples name (those with skills), each by its latest profile: the one the coordinator scores now.</summary>
    private sealed record GroupMembers(IReadOnlyList<SkillProfile> Profiles, IReadOnlyDictionary<string, long> Index, long[] Owners)
    {
        public static GroupMembers Of(IReadOnlyList<TuningExample> examples)
        {
            var candidates = Candidates(examples);
            var profiles = candidates.Values.OrderBy(c => c.Index).Select(c => c.Profile).ToList();
            return new GroupMembers(profiles, candidates.ToDictionary(c => c.Key, c => c.Value.Index, StringComparer.Ordinal),
                profiles.SelectMany((p, i) => p.Skills.Select(_ => (long)i)).ToArray());
        }

        /// <summary>Each member with skills that the examples name, by its latest profile, numbered in order of appearance.</summary>
        public static Dictionary<string, (long Index, SkillProfile Profile)> Candidates(IReadOnlyList<TuningExample> examples)
        {
            var latest = new Dictionary<string, (long Index, SkillProfile Profile)>(StringComparer.Ordinal);
            foreach (var profile in examples.Select(e => e.Profile).Where(p => p.Skills.Count > 0))
            {
                latest[profile.MemberId] = (latest.TryGetValue(profile.MemberId, out var seen) ? seen.Index : latest.Count, profile);
            }

            return latest;
        }
    }

    /// <summary>The group's examples and its members' skills, pooled once.</summary>
    private sealed class GroupPools
    {
        private Tensor _skills = null!;
        private Tensor _ownership = null!;
        private Tensor _owners = null!;
        private Tensor _positives = null!;
        private Tensor _positiveCards = null!;
        private SharedAreas _positiveAreas = null!;
        private SharedAreas? _negativeAreas;
        private Tensor? _negatives;
        private Tensor? _timed;
        private Tensor? _timedTargets;
        private Tensor? _negativeCards;

        public static GroupPools Build(
            MoeSkillModel model, GroupMembers members, IReadOnlyList<TuningExample> examples, SkillHeadsConfig heads, CancellationToken cancellationToken)
        {
            var (index, owners) = (members.Index, members.Owners);
            var usable = examples.Where(e => index.ContainsKey(e.Profile.MemberId)).ToList();
            var positives = usable.Where(e => e.Succeeded).ToList();
            var negatives = usable.Where(e => !e.Succeeded).ToList();
            var skills = model.Pool(members.Profiles.SelectMany(p => p.Skills.Select(s => TokenBatch.SkillInput(p, s))).ToList(), cancellationToken);
            var pooledPositives = model.Pool(positives.Select(e => SkillText.Of(e.Item)).ToList(), cancellationToken);
            var pools = new GroupPools
            {
                _skills = skills,
                _ownership = CardLogits.Ownership(owners, members.Profiles.Count),
                _owners = tensor(owners),
                _positives = pooledPositives,
                _positiveCards = tensor(positives.Select(e => index[e.Profile.MemberId]).ToArray()),
                _positiveAreas = SharedAreas.Of(model, pooledPositives, skills),
            };
            // How long accepted work took, in the duration head's standard units.
            var timed = positives.Where(e => e.DurationSeconds is > 0).ToList();
            if (timed.Count > 0)
            {
                pools._timed = model.Pool(timed.Select(e => SkillText.Of(e.Item)).ToList(), cancellationToken);
                pools._timedTargets = tensor(timed.Select(e => (float)((Math.Log(e.DurationSeconds!.Value) - heads.DurationLogMean) / heads.DurationLogStd)).ToArray());
            }

            if (negatives.Count > 0)
            {
                pools._negatives = model.Pool(negatives.Select(e => SkillText.Of(e.Item)).ToList(), cancellationToken);
                pools._negativeAreas = SharedAreas.Of(model, pools._negatives, skills);
                pools._negativeCards = tensor(negatives.Select(e => index[e.Profile.MemberId]).ToArray());
            }

            return pools;
        }

        public Tensor Loss(Tensor weight, Tensor bias, double temperature)
        {
            var skills = Embed(_skills, weight, bias);
            var loss = nn.functional.cross_entropy(CardLogits.Of(_positiveAreas.Closeness(Embed(_positives, weight, bias), skills), _ownership, temperature), _positiveCards);
            if (_negatives is not null)
            {
                // Unlikelihood: push down the probability of the card whose work was not accepted.
                var chosen = CardLogits.Of(_negativeAreas!.Closeness(Embed(_negatives, weight, bias), skills), _ownership, temperature).softmax(1)
                    .gather(1, _negativeCards!.unsqueeze(1)).squeeze(1);
                loss -= Arithmetic.Minus(1 + 1e-6, chosen).log().mean();
            }

            return loss;
        }

        /// <summary>Squared error of ln(duration) in standard units over the accepted work whose duration is known.</summary>
        public Tensor DurationLoss(Tensor weight, Tensor bias) =>
            _timed is null ? zeros(1).sum() : nn.functional.mse_loss(nn.functional.linear(_timed, weight, bias).squeeze(-1), _timedTargets!);

        /// <summary>Median |ln(predicted / actual)| over the accepted work whose duration is known; null when none is.</summary>
        public double? DurationError(Tensor weight, Tensor bias, double logStd)
        {
            if (_timed is null)
            {
                return null;
            }

            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var errors = (nn.functional.linear(_timed, weight, bias).squeeze(-1) - _timedTargets!).abs().Times(logStd).data<float>().ToArray();
            Array.Sort(errors);
            return errors[errors.Length / 2];
        }

        /// <summary>How often an accepted item's member has the top card.</summary>
        public double Accuracy(Tensor weight, Tensor bias)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            // Scored as the served model scores: a card is as close as its closest skill (the loss uses a soft maximum).
            var closeness = _positiveAreas.Closeness(Embed(_positives, weight, bias), Embed(_skills, weight, bias));
            return CardLogits.TopCards(closeness, _owners).eq(_positiveCards).to(float32).mean().item<float>();
        }
    }

    /// <summary>Corpus items and profiles, pooled once per tuner: the replay that keeps the base skills, and the check that proves it.</summary>
    private sealed class CorpusPools
    {
        private Tensor _replayItems = null!;
        private long[] _replayAreas = [];
        private Tensor _replayProfiles = null!;
        private Tensor _replayProfileAreas = null!;
        private Tensor _checkItems = null!;
        private Tensor _checkAreas = null!;
        private Tensor _checkProfiles = null!;
        private Tensor _checkProfileAreas = null!;

        public static CorpusPools Build(MoeSkillModel model, SkillCorpus corpus, TuningOptions options)
        {
            var random = new Random(options.Seed);
            var area = corpus.Areas.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => (long)x.i, StringComparer.Ordinal);
            var replay = corpus.Train.OrderBy(_ => random.Next()).Take(options.ReplayItems).ToList();
            var check = corpus.HeldOut.OrderBy(_ => random.Next()).Take(options.BaseCheckItems).ToList();
            var trainProfiles = corpus.ProfilesOf(SkillCorpus.TrainSplit).SelectMany(p => p.Profile.Skills.Select(s => (p.Area, Text: TokenBatch.SkillInput(p.Profile, s)))).ToList();
            var checkProfiles = corpus.ProfilesOf(SkillCorpus.HeldOutSplit).SelectMany(p => p.Profile.Skills.Select(s => (p.Area, Text: TokenBatch.SkillInput(p.Profile, s)))).ToList();
            var none = CancellationToken.None;
            var pools = new CorpusPools
            {
                _replayItems = model.Pool(replay.Select(i => SkillText.Of(i.ToWorkItem())).ToList(), none),
                _replayAreas = replay.Select(i => area[i.Area]).ToArray(),
                _replayProfiles = model.Pool(trainProfiles.Select(p => p.Text).ToList(), none),
                _replayProfileAreas = tensor(trainProfiles.Select(p => area[p.Area]).ToArray()),
                _checkItems = model.Pool(check.Select(i => SkillText.Of(i.ToWorkItem())).ToList(), none),
                _checkAreas = tensor(check.Select(i => area[i.Area]).ToArray()),
                _checkProfiles = model.Pool(checkProfiles.Select(p => p.Text).ToList(), none),
                _checkProfileAreas = tensor(checkProfiles.Select(p => area[p.Area]).ToArray()),
            };

            // Kept for the tuner's lifetime, whatever dispose scope the first tuning ran in.
            foreach (var pooled in new[] { pools._replayItems, pools._replayProfiles, pools._replayProfileAreas, pools._checkItems, pools._checkAreas, pools._checkProfiles, pools._checkProfileAreas })
            {
                pooled.DetachFromDisposeScope();
            }

            return pools;
        }

        /// <summary>In-batch InfoNCE of replayed items against every training profile; profiles of the item's area are the positives.</summary>
        public Tensor ReplayLoss(Tensor weight, Tensor bias, double temperature, Random random, int batch)
        {
            var pick = Enumerable.Range(0, batch).Select(_ => (long)random.Next(_replayAreas.Length)).ToArray();
            var logits = Embed(_replayItems.index(tensor(pick)), weight, bias).matmul(Embed(_replayProfiles, weight, bias).t()).DividedBy(temperature);
            var positive = tensor(pick.Select(i => _replayAreas[i]).ToArray()).unsqueeze(1).eq(_replayProfileAreas.unsqueeze(0));
            return (logits.logsumexp(1) - logits.where(positive, tensor(float.NegativeInfinity)).logsumexp(1)).mean();
        }

        /// <summary>Held-out items routed among the held-out profiles: how often the best skill is of the item's area.</summary>
        public double Accuracy(Tensor weight, Tensor bias)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var best = Embed(_checkItems, weight, bias).matmul(Embed(_checkProfiles, weight, bias).t()).argmax(1);
            return _checkProfileAreas.index(best).eq(_checkAreas).to(float32).mean().item<float>();
        }
    }
}
