using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// The skill model's reading of each item's text, kept with the item (<see cref="ISkillModel.Read"/>): made shortly after the
/// text is written, with the other texts written about then (<see cref="WrittenTextReader"/>), so that passes over the item
/// only compare vectors; and made by a pass for items it finds unread (a pass that came first, items from before readings
/// were kept, or from before a model upgrade). Nothing is kept while the served model reads text afresh each time (its
/// <see cref="ISkillModel.ReadingVersion"/> is null).
/// </summary>
public static class ItemReadings
{
    /// <summary>The reading kept with the item, of whatever version, or null.</summary>
    public static ItemReading? Of(WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item is { ReadingVersion: { } version, ReadingVector: { } bytes } ? new ItemReading(version, ToVector(bytes)) : null;
    }

    /// <summary>
    /// Drops the reading of an item whose text (or routing notes, which the model reads with it) was just rewritten, even when
    /// the served model keeps none; the new text is read after the commit (<see cref="WrittenTextReader"/>), or by the first
    /// pass that finds it unread.
    /// </summary>
    public static void Forget(WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        (item.ReadingVersion, item.ReadingVector) = (null, null);
    }

    /// <summary>
    /// The items' texts as a pass gives them to the model, each with its kept reading; items without a reading of the model's
    /// version are read here, in one batch, and their readings kept (<see cref="ReadMissingAsync"/>).
    /// </summary>
    public static async Task<IReadOnlyList<WorkItemText>> ForPassAsync(
        ClawDbContext context, ISkillModel model, IReadOnlyList<WorkItem> items, CancellationToken cancellationToken) =>
        // One commit for the batch rather than one per item: after an upgrade a pass reads thousands. A group's passes take
        // turns, and the reader, the other writer of readings, holds one row at a time on PostgreSQL (below).
        (await ReadAsync(context, model, items, oneCommit: true, cancellationToken)).Texts;

    /// <summary>
    /// Reads, in one batch, the items no model of <paramref name="model"/>'s version has read, and keeps the readings; returns
    /// how many it read. The readings are written set-based and unversioned, only where the item is still as it was read: a
    /// reading follows from the text, so keeping it must not make a person's concurrent move of the item fail, and a reading of
    /// text that was edited meanwhile is not kept (the edit's own is read after it).
    /// </summary>
    /// <remarks>
    /// On PostgreSQL each reading is its own statement and commit: a transaction holds every row it updated until it commits,
    /// and the reader's, holding a few new items, met a pass keeping the same items' readings in another order in a deadlock
    /// (the database gives up on one after a second: the steady feed's created → accepted p99 went from ~0.65 to 1.3–2 s).
    /// A statement on its own holds one row at a time and cannot close such a circle. SQLite has one writer at a time (the
    /// write gate), so there one transaction is one turn and no circle can form.
    /// </remarks>
    public static async Task<int> ReadMissingAsync(
        ClawDbContext context, ISkillModel model, IReadOnlyList<WorkItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (await ReadAsync(context, model, items, oneCommit: context.Database.IsSqlite(), cancellationToken)).Read;
    }

    private static async Task<(WorkItemText[] Texts, int Read)> ReadAsync(
        ClawDbContext context, ISkillModel model, IReadOnlyList<WorkItem> items, bool oneCommit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(items);
        var texts = items.Select(AssignmentCandidates.ToText).ToArray();
        if (model.ReadingVersion is not { } version)
        {
            return (texts, 0);
        }

        var unread = Enumerable.Range(0, items.Count).Where(i => items[i].ReadingVersion != version || items[i].ReadingVector is null).ToList();
        if (unread.Count == 0)
        {
            return (texts, 0);
        }

        var readings = model.Read(unread.Select(i => texts[i]).ToList(), cancellationToken);
        await using var transaction = oneCommit ? await context.Database.BeginTransactionAsync(cancellationToken) : null;
        foreach (var (i, reading) in unread.Zip(readings))
        {
            texts[i] = texts[i] with { Reading = reading };
            var (id, readVersion, bytes) = (items[i].Id, items[i].Version, ToBytes(reading.Vector));
            await context.WorkItems.Where(w => w.Id == id && w.Version == readVersion)
                .ExecuteUpdateAsync(set => set.SetProperty(w => w.ReadingVector, bytes).SetProperty(w => w.ReadingVersion, reading.Version), cancellationToken);
            await KeptWords.KeepAsync(context, id, texts[i], reading, cancellationToken);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return (texts, unread.Count);
    }

    /// <summary>float32 values, little-endian whatever the machine, so that a reading means the same on every node.</summary>
    public static byte[] ToBytes(float[] vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        return bytes;
    }

    /// <summary>
    /// The vector a reading's bytes hold, decoded once for each array of bytes and shared after that: a pass turns every ready
    /// item into the model's text, and the bytes of an item it keeps between passes (<see cref="ReadyItems"/>) are the same
    /// array each time, so decoding them afresh was ~3 % of all a swarm's server allocated. Nothing writes into a reading's
    /// bytes or its vector.
    /// </summary>
    public static float[] ToVector(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Decoded.GetValue(bytes, Decode);
    }

    private static readonly ConditionalWeakTable<byte[], float[]> Decoded = [];

    private static float[] Decode(byte[] bytes)
    {
        var vector = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }

        return vector;
    }
}
