using System.Collections.Concurrent;
using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Tokenization;
using ClawGroups.Inference.Tuning;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Moe;

/// <summary>
/// The local MoE model behind <see cref="ISkillModel"/>: items and each skill of each profile are embedded by the
/// encoder; a profile's affinity is its best skill's cosine, mapped to [0, 1]. Skill embeddings are cached by
/// profile content hash, so a pass over 300 unchanged profiles encodes only the items. A group's fine-tuned
/// heads (<see cref="WithHead"/>) share the encoder and swap only the affinity and duration projections.
/// </summary>
public sealed class MoeSkillModel : ISkillModel, IDisposable
{
    private const int BatchSize = 128;

    private readonly SkillNetwork _network;
    private readonly WordPieceTokenizer _tokenizer;
    private readonly ConcurrentDictionary<string, float[][]> _profileCache = new(StringComparer.Ordinal);

    /// <summary>The routers count tokens per forward pass, so passes through the network take turns.</summary>
    private readonly Lock _forward;

    /// <summary>A group's fine-tuned embedding head, or null for the network's own.</summary>
    private readonly TunedHead? _head;

    /// <summary>The network's own heads, copied once: the start of tuning and the fingerprint a tuned head must match.</summary>
    private readonly Lazy<TunedHead> _baseHead;

    /// <summary>False for a view made by <see cref="WithHead"/>: the base model owns the network.</summary>
    private readonly bool _ownsNetwork;

    private int _disposed;

    public MoeSkillModel(SkillNetwork network, WordPieceTokenizer tokenizer)
        : this(network, tokenizer, head: null, new Lock(), ownsNetwork: true, baseHead: null)
    {
    }

    private MoeSkillModel(SkillNetwork network, WordPieceTokenizer tokenizer, TunedHead? head, Lock forward, bool ownsNetwork, Lazy<TunedHead>? baseHead)
    {
        _network = network ?? throw new ArgumentNullException(nameof(network));
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        _head = head;
        _forward = forward;
        _ownsNetwork = ownsNetwork;
        _baseHead = baseHead ?? new Lazy<TunedHead>(() => TunedHead.Of(network), LazyThreadSafetyMode.ExecutionAndPublication);
        _network.eval();
    }

    public string Name => _head is null ? "moe" : "moe(tuned)";

    /// <inheritdoc cref="_baseHead"/>
    public TunedHead BaseHead => _baseHead.Value;

    /// <summary>The same encoder with a group's fine-tuned embedding head; disposing the view leaves the network alone.</summary>
    public MoeSkillModel WithHead(TunedHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        head.EnsureFits(BaseHead);
        return new MoeSkillModel(_network, _tokenizer, head, _forward, ownsNetwork: false, _baseHead);
    }

    /// <summary>The encoder's mean-pooled output for each text, [texts, hidden], without gradients: what tuning a head starts from.</summary>
    public Tensor Pool(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var rows = Batched(texts, cancellationToken, pooled => pooled);
        return tensor(rows, [texts.Count, _network.Config.HiddenSize]);
    }

    public SkillNetwork Network => _network;

    public int CachedProfiles => _profileCache.Count;

    public static MoeSkillModel Load(string folder)
    {
        var (network, tokenizer) = SkillModelFiles.Load(folder);
        return new MoeSkillModel(network, tokenizer);
    }

    public AffinityMatrix Score(IReadOnlyList<WorkItemText> items, IReadOnlyList<SkillProfile> profiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(profiles);
        var matrix = new AffinityMatrix(items.Count, profiles.Count);
        if (items.Count == 0 || profiles.Count == 0)
        {
            return matrix;
        }

        var skillVectors = ProfileSkillVectors(profiles, cancellationToken);
        var owners = skillVectors.SelectMany((vectors, profile) => vectors.Select((_, skill) => (profile, skill))).ToArray();
        if (owners.Length == 0)
        {
            return matrix;
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var skills = stack(skillVectors.SelectMany(vectors => vectors).Select(vector => tensor(vector)));
        for (var start = 0; start < items.Count; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var batchScope = NewDisposeScope();
            var count = Math.Min(BatchSize, items.Count - start);
            var itemVectors = Forward(Enumerable.Range(start, count).Select(i => SkillText.Of(items[i])), Embed);
            var cosines = itemVectors.matmul(skills.t()).contiguous().data<float>().ToArray();
            Fill(matrix, start, count, cosines, owners);
        }

        return matrix;
    }

    public IReadOnlyList<double?> ExpectedDurationSeconds(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var heads = _network.HeadsConfig;
        return Batched(items, cancellationToken, pooled => _head is null ? _network.DurationStandardLog(pooled) : _head.DurationStandardLog(pooled))
            .Select(standard => (double?)Math.Exp((standard * heads.DurationLogStd) + heads.DurationLogMean))
            .ToList();
    }

    /// <summary>The probability of each skill area (<see cref="SkillHeadsConfig.Areas"/>) for each item, [item][area].</summary>
    public IReadOnlyList<float[]> SkillProbabilities(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var areas = _network.HeadsConfig.Areas.Count;
        return Batched(items, cancellationToken, pooled => _network.SkillLogits(pooled).sigmoid()).Chunk(areas).ToList();
    }

    /// <summary>Frees the network if this model owns it; safe to call more than once (the host and <see cref="SkillModels"/> may both).</summary>
    public void Dispose()
    {
        if (_ownsNetwork && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _network.Dispose();
        }
    }

    private static void Fill(AffinityMatrix matrix, int start, int count, float[] cosines, (int Profile, int Skill)[] owners)
    {
        for (var row = 0; row < count; row++)
        {
            var (best, bestSkill, profile) = (float.NegativeInfinity, -1, -1);
            for (var column = 0; column <= owners.Length; column++)
            {
                if (column == owners.Length || owners[column].Profile != profile)
                {
                    if (profile >= 0)
                    {
                        matrix.Set(start + row, profile, (best + 1) / 2, bestSkill);
                    }

                    if (column == owners.Length)
                    {
                        break;
                    }

                    (best, bestSkill, profile) = (float.NegativeInfinity, -1, owners[column].Profile);
                }

                var cosine = cosines[(row * owners.Length) + column];
                if (cosine > best)
                {
                    (best, bestSkill) = (cosine, owners[column].Skill);
                }
            }
        }
    }

    private float[][][] ProfileSkillVectors(IReadOnlyList<SkillProfile> profiles, CancellationToken cancellationToken)
    {
        var keys = profiles.Select(SkillText.ContentHash).ToArray();
        var missing = Enumerable.Range(0, profiles.Count).Where(p => !_profileCache.ContainsKey(keys[p]))
            .DistinctBy(p => keys[p]).ToList();
        var texts = missing.SelectMany(p => profiles[p].Skills.Select(skill => TokenBatch.SkillInput(profiles[p], skill))).ToList();
        var vectors = texts.Count == 0 ? [] : Batched(texts, cancellationToken, Embed).Chunk(_network.HeadsConfig.EmbeddingDim).ToList();
        var next = 0;
        foreach (var p in missing)
        {
            _profileCache[keys[p]] = vectors.Skip(next).Take(profiles[p].Skills.Count).ToArray();
            next += profiles[p].Skills.Count;
        }

        return keys.Select(key => _profileCache[key]).ToArray();
    }

    private Tensor Embed(Tensor pooled) => _head is null ? _network.Embed(pooled) : _head.Embed(pooled);

    private float[] Batched(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken, Func<Tensor, Tensor> head) =>
        Batched(items.Select(SkillText.Of).ToList(), cancellationToken, head);

    /// <summary>Runs a head over texts in batches and returns its outputs, row after row, as one flat array.</summary>
    private float[] Batched(IReadOnlyList<string> texts, CancellationToken cancellationToken, Func<Tensor, Tensor> head)
    {
        var output = new List<float>();
        for (var start = 0; start < texts.Count; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            output.AddRange(Forward(texts.Skip(start).Take(BatchSize), head).contiguous().data<float>());
        }

        return [.. output];
    }

    private Tensor Forward(IEnumerable<string> texts, Func<Tensor, Tensor> head)
    {
        var (ids, mask) = TokenBatch.Encode(_tokenizer, texts, _network.HeadsConfig.MaxTokens, CPU);
        lock (_forward)
        {
            return head(_network.Encode(ids, mask));
        }
    }
}
