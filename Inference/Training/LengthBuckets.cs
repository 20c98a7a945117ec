namespace ClawGroups.Inference.Training;

/// <summary>
/// Batches of sequences of about the same length, in random order: a batch pads to its longest sequence, so mixing a
/// six-token title with a sixty-token description wastes most of the batch's work on padding.
/// </summary>
public sealed class LengthBuckets(IReadOnlyList<int[]> sequences, int batchSize, Random random)
{
    private readonly Queue<int[]> _batches = new();

    /// <summary>The next batch's sequence indices; a new shuffled pass starts when one ends.</summary>
    public int[] Next()
    {
        if (_batches.Count == 0)
        {
            // Shuffle, then sort by length within windows of 50 batches: similar lengths together, yet a different mix each pass.
            var shuffled = Enumerable.Range(0, sequences.Count).OrderBy(_ => random.Next()).ToArray();
            var window = batchSize * 50;
            var batches = shuffled.Chunk(window)
                .SelectMany(chunk => chunk.OrderBy(i => sequences[i].Length).Chunk(batchSize))
                .OrderBy(_ => random.Next());
            foreach (var batch in batches)
            {
                _batches.Enqueue(batch);
            }
        }

        return _batches.Dequeue();
    }
}
