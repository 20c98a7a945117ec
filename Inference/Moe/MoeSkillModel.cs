using System.Collections.Concurrent;
using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Tokenization;
using ClawGroups.Inference.Tuning;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Moe;

/// <summary>
/// The local MoE model behind <see cref="ISkillModel"/>: items and each skill of each profile are embedded by the encoder; a
/// profile's affinity is its best skill's (<see cref="Affinity"/>: the cosine mapped to [0, 1], with the share of skill areas
/// they have in common weighed in). An item is read once into its encoder reading (the pooled
/// hidden state, <see cref="Read"/>), which callers keep and hand back, so a pass over known items only multiplies vectors; skill
/// embeddings are cached by profile content hash. A group's fine-tuned heads (<see cref="WithHead"/>) share the encoder and its
/// readings and swap only the affinity and duration projections.
/// </summary>
public sealed class MoeSkillModel : ISkillModel, IDisposable
{
    private const int BatchSize = EncoderTurns.BatchSize;

    private readonly SkillNetwork _network;
    private readonly WordPieceTokenizer _tokenizer;
    private readonly ConcurrentDictionary<string, SkillVectors> _profileCache = new(StringComparer.Ordinal);

    /// <summary>Passes through the network take turns, shared by every view of it; texts waiting together run as one batch.</summary>
    private readonly EncoderTurns _turns;

    /// <summary>A group's fine-tuned embedding head, or null for the network's own.</summary>
    private readonly TunedHead? _head;

    /// <summary>The network's own heads, copied once: the start of tuning and the fingerprint a tuned head must match.</summary>
    private readonly Lazy<TunedHead> _baseHead;

    /// <summary>The encoder's fingerprint, shared with every head view: readings are made before any head.</summary>
    private readonly Lazy<string> _readingVersion;

    /// <summary>False for a view made by <see cref="WithHead"/>: the base model owns the network.</summary>
    private readonly bool _ownsNetwork;

    /// <summary>See <see cref="SkillHeadsConfig.AreaWeight"/>; a view may try another (<see cref="WithAreaWeight"/>).</summary>
    private readonly double _areaWeight;

    private int _disposed;

    public MoeSkillModel(SkillNetwork network, WordPieceTokenizer tokenizer)
        : this(network, tokenizer, head: null, new EncoderTurns(network, tokenizer.PadId), ownsNetwork: true, baseHead: null, readingVersion: null, areaWeight: null)
    {
    }

    private MoeSkillModel(
        SkillNetwork network, WordPieceTokenizer tokenizer, TunedHead? head, EncoderTurns turns, bool ownsNetwork, Lazy<TunedHead>? baseHead, Lazy<string>? readingVersion,
        double? areaWeight)
    {
        _network = network ?? throw new ArgumentNullException(nameof(network));
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        _head = head;
        _turns = turns;
        _ownsNetwork = ownsNetwork;
        _baseHead = baseHead ?? new Lazy<TunedHead>(() => TunedHead.Of(network), LazyThreadSafetyMode.ExecutionAndPublication);
        _readingVersion = readingVersion ?? new Lazy<string>(() => EncoderFingerprint.Of(network, tokenizer), LazyThreadSafetyMode.ExecutionAndPublication);
        _areaWeight = areaWeight ?? network.HeadsConfig.AreaWeight;
        _network.eval();
    }

    public string Name => _head is null ? "moe" : "moe(tuned)";

    /// <inheritdoc />
    public string ReadingVersion => _readingVersion.Value;

    /// <inheritdoc cref="_baseHead"/>
    public TunedHead BaseHead => _baseHead.Value;

    public SkillNetwork Network => _network;

    public int CachedProfiles => _profileCache.Count;

    /// <summary>Whether this model has read the profile's skills (<see cref="ReadProfiles"/>, or a score that needed them).</summary>
    public bool HasRead(SkillProfile profile) => _profileCache.ContainsKey(SkillText.ContentHash(profile));

    public static MoeSkillModel Load(string folder)
    {
        var (network, tokenizer) = SkillModelFiles.Load(folder);
        return new MoeSkillModel(network, tokenizer);
    }

    /// <summary>The same encoder with a group's fine-tuned embedding head; disposing the view leaves the network alone.</summary>
    public MoeSkillModel WithHead(TunedHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        head.EnsureFits(BaseHead);
        return new MoeSkillModel(_network, _tokenizer, head, _turns, ownsNetwork: false, _baseHead, _readingVersion, _areaWeight);
    }

    /// <summary>The same model scoring with another area weight (<see cref="SkillHeadsConfig.AreaWeight"/>), for choosing one.</summary>
    public MoeSkillModel WithAreaWeight(double areaWeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(areaWeight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(areaWeight, 1);
        return new MoeSkillModel(_network, _tokenizer, _head, _turns, ownsNetwork: false, _baseHead, _readingVersion, areaWeight);
    }

    /// <summary>
    /// The served affinity of texts to skills, in [0, 1]: <c>(1 − w) × (cosine + 1) / 2 + w × shared</c>, where <c>shared</c> is the dot
    /// product of the two sides' <see cref="Areas"/> (needed only when <paramref name="areaWeight"/> is above 0).
    /// </summary>
    public static Tensor Affinity(Tensor cosines, Tensor? sharedAreas, double areaWeight)
    {
        ArgumentNullException.ThrowIfNull(cosines);
        var affinity = cosines.Plus(1).Times((1 - areaWeight) / 2);
        return areaWeight > 0 ? affinity.Plus((sharedAreas ?? throw new ArgumentNullException(nameof(sharedAreas))).Times(areaWeight)) : affinity;
    }

    /// <summary>How much of an affinity comes from shared areas (<see cref="SkillHeadsConfig.AreaWeight"/>), as this view scores.</summary>
    public double AreaWeight => _areaWeight;

    /// <summary>The encoder's mean-pooled output for each text, [texts, hidden], without gradients: what tuning a head starts from.</summary>
    public Tensor Pool(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return Rows(Pooled(texts, cancellationToken), _network.Config.HiddenSize);
    }

    /// <summary>
    /// Each item's reading, with what each of its words made of it (<see cref="ReadingWords"/>) from the same forward pass, so that
    /// <see cref="Explain"/> can name an item's words without reading it again.
    /// </summary>
    public IReadOnlyList<ItemReading> Read(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var grouped = items.Select(item =>
        {
            var (ids, wordOfPiece, words) = _tokenizer.EncodeWords(SkillText.Of(item), _network.HeadsConfig.MaxTokens);
            var (groupOfPiece, distinct) = WordShares.Group(words, wordOfPiece);
            return (Text: new GroupedText(ids, groupOfPiece, distinct.Count), Words: distinct);
        }).ToList();
        return _turns.PoolWithGroups(grouped.Select(g => g.Text).ToList(), cancellationToken)
            .Zip(grouped, (read, g) => new ItemReading(ReadingVersion, read.Pooled, new ReadingWords(g.Words, read.GroupPieces, read.GroupStates)))
            .ToList();
    }

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyList<ItemReading>> ReadProfiles(IReadOnlyList<SkillProfile> profiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var version = ReadingVersion;
        return ProfileSkillVectors(profiles, cancellationToken)
            .Select(vectors => (IReadOnlyList<ItemReading>)Array.ConvertAll(vectors.Readings, reading => new ItemReading(version, reading)))
            .ToArray();
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
        var owners = skillVectors.SelectMany((vectors, profile) => vectors.Embeddings.Select((_, skill) => (profile, skill))).ToArray();
        if (owners.Length == 0)
        {
            return matrix;
        }

        var readings = Readings(items, cancellationToken);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Each side as one tensor made from one array: a tensor per vector and a stack of them, or a LINQ walk over every
        // float, were a fifth of a cold pass's scoring (docs/PERFORMANCE.md).
        var skills = Rows(skillVectors.SelectMany(vectors => vectors.Embeddings).ToList());
        var skillAreas = Rows(skillVectors.SelectMany(vectors => vectors.Areas).ToList());
        for (var start = 0; start < items.Count; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var batchScope = NewDisposeScope();
            var count = Math.Min(BatchSize, items.Count - start);
            var pooled = Rows(new ArraySegment<float[]>(readings, start, count), _network.Config.HiddenSize);
            var affinity = Affinity(Embed(pooled).matmul(skills.t()), _areaWeight > 0 ? Areas(pooled).matmul(skillAreas.t()) : null, _areaWeight);
            // Read where the tensor holds them: TorchSharp's accessor copies element by element through an iterator, which
            // was a third of a cold pass's scoring; a rented copy was, before that, 5 % of what the server allocated in the swarm.
            using var values = affinity.cpu().contiguous();
            if (values.dtype != ScalarType.Float32)
            {
                throw new InvalidOperationException($"Affinities came out as {values.dtype}, not float32.");
            }

            Fill(matrix, start, count, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(values.bytes), owners);
        }

        return matrix;
    }

    /// <summary>
    /// The vectors as the rows of one tensor, all <paramref name="width"/> wide (by default the first one's width), copied
    /// straight into the tensor's own memory. A managed array first was the largest thing a steady pass allocated on the large
    /// object heap (a batch of 128 readings is 128 KB, every card's skills more), and the large object heap's allocations are
    /// what started the server's full collections under a swarm (docs/PERFORMANCE.md).
    /// </summary>
    private static Tensor Rows(IReadOnlyList<float[]> vectors, int? width = null)
    {
        var columns = width ?? (vectors.Count == 0 ? 0 : vectors[0].Length);
        for (var row = 0; row < vectors.Count; row++)
        {
            if (vectors[row].Length != columns)
            {
                throw new ArgumentException($"Row {row} has {vectors[row].Length} values, not {columns}.", nameof(vectors));
            }
        }

        var rows = empty([vectors.Count, columns], dtype: ScalarType.Float32);
        if (vectors.Count * columns > 0)
        {
            var flat = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(rows.bytes);
            for (var row = 0; row < vectors.Count; row++)
            {
                vectors[row].CopyTo(flat.Slice(row * columns, columns));
            }
        }

        return rows;
    }

    public IReadOnlyList<double?> ExpectedDurationSeconds(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var heads = _network.HeadsConfig;
        return Heads(Readings(items, cancellationToken), pooled => _head is null ? _network.DurationStandardLog(pooled) : _head.DurationStandardLog(pooled))
            .Select(row => (double?)Math.Exp((row[0] * heads.DurationLogStd) + heads.DurationLogMean))
            .ToList();
    }

    /// <summary>The probability of each skill area (<see cref="SkillHeadsConfig.Areas"/>) for each item, [item][area].</summary>
    public IReadOnlyList<float[]> SkillProbabilities(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Heads(Readings(items, cancellationToken), pooled => _network.SkillLogits(pooled).sigmoid());
    }

    /// <summary>
    /// The item's words whose encoder states pull its embedding toward the matched skill's: the embedding is an affine map of the
    /// mean of the token states, so each token's share of the match is its own state through that map, dotted with the skill's
    /// vector. A word's share is its pieces' sum; stop words and words pulling away are left out; the strongest come back in the
    /// item's order ("restarting pods").
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> Explain(IReadOnlyList<SkillMatch> matches, int words, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matches);
        var explanations = new IReadOnlyList<string>[matches.Count];
        Array.Fill(explanations, []);
        var skillVectors = ProfileSkillVectors(matches.Select(m => m.Profile).ToList(), cancellationToken);
        var named = Enumerable.Range(0, matches.Count).Where(m => matches[m].Skill >= 0 && matches[m].Skill < skillVectors[m].Embeddings.Length).ToList();

        // Items whose reading kept its words are explained from them: a small product per match instead of an encoder pass.
        var kept = named.Where(m => KeptWords(matches[m].Item) is not null).ToList();
        var fromKept = KeptWordShares.Strongest(
            (_head ?? BaseHead).Embedding, kept.Select(m => (KeptWords(matches[m].Item)!, skillVectors[m].Embeddings[matches[m].Skill])).ToList(), words);
        foreach (var (m, said) in kept.Zip(fromKept))
        {
            explanations[m] = said;
        }

        named = named.Except(kept).ToList();

        // One encoding per distinct text, in batches of similar length: a pass explains hundreds of matches, and a held item's
        // contenders share its text. One text at a time cost ~37 ms a match.
        var textOf = named.ToDictionary(m => m, m => SkillText.Of(matches[m].Item));
        var texts = textOf.Values.Distinct(StringComparer.Ordinal).ToList();
        var encoded = texts.Select(text => _tokenizer.EncodeWords(text, _network.HeadsConfig.MaxTokens)).ToArray();
        var matchesOf = named.ToLookup(m => textOf[m], StringComparer.Ordinal);
        foreach (var batch in Enumerable.Range(0, texts.Count).OrderBy(t => encoded[t].Ids.Length).Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            float[] projected;
            long longest;
            long width;
            using (var scope = NewDisposeScope())
            using (var noGrad = no_grad())
            {
                var (ids, mask) = TokenBatch.Pad(batch.Select(t => encoded[t].Ids).ToList(), _tokenizer.PadId, CPU);
                var states = _turns.Alone(() => _network.EncodeTokens(ids, mask));

                var projection = Project(states).contiguous();
                (longest, width) = (projection.shape[1], projection.shape[2]);
                projected = projection.data<float>().ToArray();
            }

            for (var row = 0; row < batch.Length; row++)
            {
                var (pieceIds, wordOfPiece, itemWords) = encoded[batch[row]];
                foreach (var m in matchesOf[texts[batch[row]]])
                {
                    var shares = Shares(projected.AsSpan((int)(row * longest * width), (int)(pieceIds.Length * width)), skillVectors[m].Embeddings[matches[m].Skill]);
                    explanations[m] = WordShares.Strongest(itemWords, wordOfPiece, shares, words);
                }
            }
        }

        return explanations;
    }

    /// <summary>The words the item's reading kept, when the reading is this encoder's and they fit it; else null.</summary>
    private ReadingWords? KeptWords(WorkItemText item) =>
        item.Reading is { Words: { } words } reading && reading.Version == ReadingVersion && words.Fits(_network.Config.HiddenSize) ? words : null;

    /// <summary>Each token's projected state dotted with the skill's vector: its share of the match.</summary>
    private static float[] Shares(ReadOnlySpan<float> projectedTokens, float[] skill)
    {
        var shares = new float[projectedTokens.Length / skill.Length];
        for (var token = 0; token < shares.Length; token++)
        {
            var state = projectedTokens.Slice(token * skill.Length, skill.Length);
            var share = 0f;
            for (var d = 0; d < skill.Length; d++)
            {
                share += state[d] * skill[d];
            }

            shares[token] = share;
        }

        return shares;
    }

    /// <summary>Frees the network if this model owns it; safe to call more than once (the host and <see cref="SkillModels"/> may both).</summary>
    public void Dispose()
    {
        if (_ownsNetwork && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _turns.Dispose();
            _network.Dispose();
        }
    }

    /// <summary>Each item's best skill per profile: the profile's affinity (in [0, 1]) and which skill it was.</summary>
    private static void Fill(AffinityMatrix matrix, int start, int count, ReadOnlySpan<float> affinities, (int Profile, int Skill)[] owners)
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
                        matrix.Set(start + row, profile, best, bestSkill);
                    }

                    if (column == owners.Length)
                    {
                        break;
                    }

                    (best, bestSkill, profile) = (float.NegativeInfinity, -1, owners[column].Profile);
                }

                var affinity = affinities[(row * owners.Length) + column];
                if (affinity > best)
                {
                    (best, bestSkill) = (affinity, owners[column].Skill);
                }
            }
        }
    }

    /// <summary>Each item's reading: the one it carries when it is of this encoder, else read now (all such items in one batch run).</summary>
    private float[][] Readings(IReadOnlyList<WorkItemText> items, CancellationToken cancellationToken)
    {
        var readings = new float[items.Count][];
        var unread = new List<int>();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Reading is { } reading && reading.Version == ReadingVersion && reading.Vector.Length == _network.Config.HiddenSize)
            {
                readings[i] = reading.Vector;
            }
            else
            {
                unread.Add(i);
            }
        }

        var pooled = Pooled(unread.Select(i => SkillText.Of(items[i])).ToList(), cancellationToken);
        for (var k = 0; k < unread.Count; k++)
        {
            readings[unread[k]] = pooled[k];
        }

        return readings;
    }

    private SkillVectors[] ProfileSkillVectors(IReadOnlyList<SkillProfile> profiles, CancellationToken cancellationToken)
    {
        var keys = profiles.Select(SkillText.ContentHash).ToArray();
        var missing = Enumerable.Range(0, profiles.Count).Where(p => !_profileCache.ContainsKey(keys[p]))
            .DistinctBy(p => keys[p]).ToList();
        // A skill whose kept reading is this encoder's is not read again: after a restart, or on another node, a card costs
        // its heads' small products instead of an encoder pass per skill.
        var skills = missing.SelectMany(p => profiles[p].Skills.Select(skill => (Profile: profiles[p], Skill: skill))).ToList();
        var unread = Enumerable.Range(0, skills.Count).Where(s => KeptReading(skills[s].Skill) is null).ToList();
        var read = Pooled(unread.Select(s => TokenBatch.SkillInput(skills[s].Profile, skills[s].Skill)).ToList(), cancellationToken);
        var pooled = skills.Select(s => KeptReading(s.Skill)).ToArray();
        foreach (var (s, reading) in unread.Zip(read))
        {
            pooled[s] = reading;
        }

        var (embeddings, areas) = (Heads(pooled!, Embed), Heads(pooled!, Areas));
        var next = 0;
        foreach (var p in missing)
        {
            var count = profiles[p].Skills.Count;
            _profileCache[keys[p]] = new SkillVectors(
                embeddings.Skip(next).Take(count).ToArray(), areas.Skip(next).Take(count).ToArray(), pooled.Skip(next).Take(count).ToArray()!);
            next += count;
        }

        return keys.Select(key => _profileCache[key]).ToArray();
    }

    /// <summary>The skill's kept reading when it is this encoder's and fits it; else null.</summary>
    private float[]? KeptReading(SkillEntry skill) =>
        skill.Reading is { } reading && reading.Version == ReadingVersion && reading.Vector.Length == _network.Config.HiddenSize ? reading.Vector : null;

    private Tensor Embed(Tensor pooled) => _head is null ? _network.Embed(pooled) : _head.Embed(pooled);

    /// <summary>The skills head's area probabilities as a unit vector: their dot product says how far two texts share areas.</summary>
    public Tensor Areas(Tensor pooled) => nn.functional.normalize(_network.SkillLogits(pooled).sigmoid(), p: 2, dim: -1);

    /// <summary>The embedding head's affine map without the final normalisation, for token states as for pooled ones.</summary>
    private Tensor Project(Tensor states) => _head is null ? _network.EmbeddingProjection.forward(states) : _head.Embedding.Forward(states);

    /// <summary>A head over readings, in batches: one output row per reading.</summary>
    private List<float[]> Heads(float[][] readings, Func<Tensor, Tensor> head)
    {
        var rows = new List<float[]>(readings.Length);
        for (var start = 0; start < readings.Length; start += BatchSize)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var count = Math.Min(BatchSize, readings.Length - start);
            var output = head(Rows(new ArraySegment<float[]>(readings, start, count), _network.Config.HiddenSize));
            var width = (int)(output.numel() / count);
            var values = output.contiguous().data<float>().ToArray();
            rows.AddRange(Enumerable.Range(0, count).Select(row => values.AsSpan(row * width, width).ToArray()));
        }

        return rows;
    }

    /// <summary>
    /// The encoder's pooled state of each text, in the caller's order; texts run in batches of similar length, with any other
    /// caller's texts waiting at the same moment (<see cref="EncoderTurns"/>).
    /// </summary>
    private float[][] Pooled(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        _turns.Pool(texts.Select(text => _tokenizer.Encode(text, _network.HeadsConfig.MaxTokens)).ToArray(), cancellationToken);

    /// <summary>
    /// A profile's skills as the model compares them: each skill's embedding and its areas, and the encoder's reading they came
    /// from (what <see cref="ReadProfiles"/> hands back to be kept).
    /// </summary>
    private sealed record SkillVectors(float[][] Embeddings, float[][] Areas, float[][] Readings);
}
