using System.Collections.Concurrent;
using ClawGroups.Inference.Hosting;
using ClawGroups.Inference.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Moe;

/// <summary>
/// The encoder's turns: passes through the network take turns (the routers count tokens per forward pass), and texts
/// that wait for a turn at the same moment are pooled in one batch. A server reads each item when a person or an agent
/// creates it, one request at a time; alone, a text costs a whole forward pass (~4.5 ms, `bench`), where in a batch of
/// 64 on two cores it costs ~0.8 ms. So each turn runs every text waiting at that moment in one batch (flat combining),
/// on the encoder's own thread (<see cref="ArenaThread"/>) while the callers wait: the more requests arrive together,
/// the less each costs, and none waits for more than the batches ahead of it.
/// A long request (a pass reading thousands of items) queues one batch at a time, so short ones slip in between its batches.
/// </summary>
public sealed class EncoderTurns : IDisposable
{
    /// <summary>Texts per forward pass: wider batches stopped paying on two cores.</summary>
    public const int BatchSize = 128;

    private readonly SkillNetwork _network;
    private readonly int _padId;
    private readonly Lock _turn = new();
    private readonly ConcurrentQueue<Pending> _waiting = new();

    /// <summary>Where the pooled passes run, so that their activations come from one native arena (<see cref="ArenaThread"/>).</summary>
    private readonly ArenaThread _thread = new("Claw encoder");

    public EncoderTurns(SkillNetwork network, int padId)
    {
        _network = network ?? throw new ArgumentNullException(nameof(network));
        _padId = padId;
    }

    /// <summary>Runs <paramref name="forward"/> in a turn of its own (token-level work that does not pool).</summary>
    public T Alone<T>(Func<T> forward)
    {
        ArgumentNullException.ThrowIfNull(forward);
        lock (_turn)
        {
            return forward();
        }
    }

    /// <summary>Ends the thread the pooled passes run on, once the passes asked for are done.</summary>
    public void Dispose() => _thread.Dispose();

    /// <summary>The encoder's mean-pooled state of each token sequence, [sequence][hidden], in the caller's order.</summary>
    public float[][] Pool(IReadOnlyList<int[]> sequences, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        return Run(sequences.Select(sequence => new Pending(sequence, null, 0)).ToArray(), cancellationToken).Select(done => done.Result().Pooled).ToArray();
    }

    /// <summary>
    /// As <see cref="Pool"/>, with the mean final state of each word's pieces (<see cref="GroupedText.GroupOfPiece"/>) and their
    /// count, from the same forward pass: what a reading keeps so that explaining a match later needs no pass of its own.
    /// </summary>
    public IReadOnlyList<(float[] Pooled, float[] GroupStates, int[] GroupPieces)> PoolWithGroups(IReadOnlyList<GroupedText> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return Run(texts.Select(text => new Pending(text.Ids, text.GroupOfPiece, text.Groups)).ToArray(), cancellationToken)
            .Select(done => done.Result()).Select(result => (result.Pooled, result.GroupStates!, result.GroupPieces!)).ToList();
    }

    private Pending[] Run(Pending[] pendings, CancellationToken cancellationToken)
    {
        foreach (var batch in Enumerable.Range(0, pendings.Length).OrderBy(i => pendings[i].Sequence.Length).Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var mine = batch.Select(i => pendings[i]).ToArray();
            foreach (var pending in mine)
            {
                _waiting.Enqueue(pending);
            }

            while (!mine.All(pending => pending.IsDone))
            {
                _thread.Run(() =>
                {
                    lock (_turn)
                    {
                        RunWaiting();
                    }
                });
            }
        }

        return pendings;
    }

    /// <summary>One forward pass over the texts waiting now, up to a batch, oldest first. Called holding the turn.</summary>
    private void RunWaiting()
    {
        var batch = new List<Pending>(BatchSize);
        while (batch.Count < BatchSize && _waiting.TryDequeue(out var pending))
        {
            batch.Add(pending);
        }

        if (batch.Count == 0)
        {
            return;
        }

        // A batch pads to its longest text, but the encoder computes on real tokens only (PackedTokens) but for attention's
        // scores, so padding costs little: splitting a turn into length buckets measured no faster (docs/PERFORMANCE.md, "The
        // MoE encoder's arithmetic rate"). Ordered by length, rows of one request stay together.
        batch.Sort((a, b) => a.Sequence.Length.CompareTo(b.Sequence.Length));
        try
        {
            // A batch the network would not split into halves (TextHalves: under 512 real tokens, or one text) runs on the
            // encoder's thread alone (IntraOpThreads): an item read when it is created is such a batch, and sharing its
            // operations with OpenMP's workers cost more than it saved.
            if (TextHalves.Split(batch.Select(pending => (long)pending.Sequence.Length).ToList()) is null)
            {
                IntraOpThreads.Run(1, () => Forward(batch));
            }
            else
            {
                Forward(batch);
            }
        }
        catch (Exception e)
        {
            foreach (var pending in batch)
            {
                pending.Fail(e);
            }
        }
    }

    /// <summary>Runs the batch through the network and completes each text with its states.</summary>
    private void Forward(List<Pending> batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, mask) = TokenBatch.Pad(batch.Select(pending => pending.Sequence).ToList(), _padId, CPU);
        // The token states are copied out only when someone waits for its words: a pass reading cards or unread items does not.
        var wantsGroups = batch.Any(pending => pending.GroupOfPiece is not null);
        var tokens = wantsGroups ? _network.EncodeTokens(ids, mask) : null;
        var values = (tokens is null ? _network.Encode(ids, mask) : DeepseekV3Model.MeanPool(tokens, mask)).contiguous().data<float>().ToArray();
        var states = tokens?.contiguous().data<float>().ToArray();
        var hidden = values.Length / batch.Count;
        var longest = (int)ids.shape[1];
        for (var row = 0; row < batch.Count; row++)
        {
            var pooled = values.AsSpan(row * hidden, hidden).ToArray();
            batch[row].Complete(batch[row].GroupOfPiece is { } groups
                ? GroupMeans(pooled, states.AsSpan(row * longest * hidden, longest * hidden), hidden, groups, batch[row].Groups)
                : new Encoded(pooled, null, null));
        }
    }

    /// <summary>Each group's mean token state, [group × hidden], and how many pieces it had; pieces of group -1 count toward none.</summary>
    private static Encoded GroupMeans(float[] pooled, ReadOnlySpan<float> states, int hidden, int[] groupOfPiece, int groups)
    {
        var sums = new double[groups * hidden];
        var pieces = new int[groups];
        for (var piece = 0; piece < groupOfPiece.Length; piece++)
        {
            var group = groupOfPiece[piece];
            if (group < 0)
            {
                continue;
            }

            pieces[group]++;
            var state = states.Slice(piece * hidden, hidden);
            for (var d = 0; d < hidden; d++)
            {
                sums[(group * hidden) + d] += state[d];
            }
        }

        var means = new float[sums.Length];
        for (var group = 0; group < groups; group++)
        {
            for (var d = 0; d < hidden; d++)
            {
                means[(group * hidden) + d] = pieces[group] == 0 ? 0f : (float)(sums[(group * hidden) + d] / pieces[group]);
            }
        }

        return new Encoded(pooled, means, pieces);
    }

    /// <summary>A sequence's pooled state and, when its groups were asked for, their mean states and piece counts.</summary>
    private sealed record Encoded(float[] Pooled, float[]? GroupStates, int[]? GroupPieces);

    /// <summary>A text waiting for a turn, and then its pooled state or the failure of the pass that ran it.</summary>
    private sealed class Pending(int[] sequence, int[]? groupOfPiece, int groups)
    {
        private Encoded? _result;
        private Exception? _failure;
        private volatile bool _done;

        public int[] Sequence => sequence;

        public int[]? GroupOfPiece => groupOfPiece;

        public int Groups => groups;

        public bool IsDone => _done;

        public void Complete(Encoded result)
        {
            _result = result;
            _done = true;
        }

        public void Fail(Exception failure)
        {
            _failure = failure;
            _done = true;
        }

        public Encoded Result() => _failure is null
            ? _result!
            : throw new InvalidOperationException("The encoder failed on a batch this text was part of.", _failure);
    }
}
