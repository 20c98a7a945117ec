using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Moe;

/// <summary>
/// The encoder's turns: passes through the network take turns (the routers count tokens per forward pass), and texts that
/// wait for a turn at the same moment are pooled in one batch. A server reads each item when a person or an agent creates it,
/// one request at a time; alone, a text costs a whole forward pass (~20 ms on two cores), where in a batch of 64 it costs
/// ~1.5 ms. So whoever holds the turn runs everyone's waiting texts with its own (flat combining): the more requests arrive
/// together, the less each costs, and none waits for more than the batches ahead of it.
/// A long request (a pass reading thousands of items) queues one batch at a time, so short ones slip in between its batches.
/// </summary>
public sealed class EncoderTurns
{
    /// <summary>Texts per forward pass: wider batches stopped paying on two cores.</summary>
    public const int BatchSize = 128;

    private readonly SkillNetwork _network;
    private readonly int _padId;
    private readonly Lock _turn = new();
    private readonly ConcurrentQueue<Pending> _waiting = new();

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

    /// <summary>The encoder's mean-pooled state of each token sequence, [sequence][hidden], in the caller's order.</summary>
    public float[][] Pool(IReadOnlyList<int[]> sequences, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var pooled = new float[sequences.Count][];
        foreach (var batch in Enumerable.Range(0, sequences.Count).OrderBy(i => sequences[i].Length).Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var mine = batch.Select(i => new Pending(sequences[i])).ToArray();
            foreach (var pending in mine)
            {
                _waiting.Enqueue(pending);
            }

            while (!mine.All(pending => pending.IsDone))
            {
                lock (_turn)
                {
                    RunWaiting();
                }
            }

            for (var k = 0; k < batch.Length; k++)
            {
                pooled[batch[k]] = mine[k].Result();
            }
        }

        return pooled;
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
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (ids, mask) = TokenBatch.Pad(batch.Select(pending => pending.Sequence).ToList(), _padId, CPU);
            var values = _network.Encode(ids, mask).contiguous().data<float>().ToArray();
            var hidden = values.Length / batch.Count;
            for (var row = 0; row < batch.Count; row++)
            {
                batch[row].Complete(values.AsSpan(row * hidden, hidden).ToArray());
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

    /// <summary>A text waiting for a turn, and then its pooled state or the failure of the pass that ran it.</summary>
    private sealed class Pending(int[] sequence)
    {
        private float[]? _result;
        private Exception? _failure;
        private volatile bool _done;

        public int[] Sequence => sequence;

        public bool IsDone => _done;

        public void Complete(float[] result)
        {
            _result = result;
            _done = true;
        }

        public void Fail(Exception failure)
        {
            _failure = failure;
            _done = true;
        }

        public float[] Result() => _failure is null
            ? _result!
            : throw new InvalidOperationException("The encoder failed on a batch this text was part of.", _failure);
    }
}
