using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// The words a reading kept (<see cref="ReadingWords"/>), stored beside the item (<see cref="WorkItemReadingWords"/>) when its
/// text is read and handed back to the model when a pass explains its matches, so that the reasons' words cost a lookup and
/// a small product instead of an encoder pass over every explained item (2–3 ms a text; the largest phase of a steady pass).
/// Kept words hold for the text they were read from and the model version that read them; anything else (items from before
/// words were kept, an edited text, another model) is explained by reading the text again, as before.
/// </summary>
public static class KeptWords
{
    /// <summary>
    /// Keeps the words of an item just read (<see cref="ItemReadings.ReadMissingAsync"/>), set-based as its reading is kept:
    /// replaced where the item has kept words, else inserted. Unconditional on the item's version: kept words say which text
    /// they were read from, and words of a text edited meanwhile are simply not used.
    /// </summary>
    public static async Task KeepAsync(ClawDbContext context, Guid itemId, WorkItemText text, ItemReading reading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(reading);
        if (reading.Words is not { } words)
        {
            return;
        }

        var row = new WorkItemReadingWords { WorkItemId = itemId, ReadingVersion = reading.Version, TextHash = TextHash(text), Words = ToBytes(words) };
        var replaced = await context.WorkItemReadingWords.Where(r => r.WorkItemId == itemId).ExecuteUpdateAsync(
            set => set.SetProperty(r => r.ReadingVersion, row.ReadingVersion).SetProperty(r => r.TextHash, row.TextHash).SetProperty(r => r.Words, row.Words),
            cancellationToken);
        if (replaced == 0)
        {
            // Unless another pass kept them first.
            await context.InsertUnlessPresentAsync(row, cancellationToken);
        }
    }

    /// <summary>
    /// The texts with the kept words of the items at <paramref name="explained"/> on their readings, where the words were read
    /// from the same text by the model of <paramref name="readingVersion"/>; the other texts come back as they were.
    /// </summary>
    public static async Task<WorkItemText[]> ForExplainingAsync(
        ClawDbContext context, string? readingVersion, IReadOnlyList<WorkItemText> texts, IReadOnlyList<Guid> ids, IReadOnlyCollection<int> explained,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(explained);
        var withWords = texts.ToArray();
        var wanted = explained.Where(i => texts[i].Reading is { Words: null } reading && reading.Version == readingVersion).ToList();
        if (readingVersion is null || wanted.Count == 0)
        {
            return withWords;
        }

        var wantedIds = wanted.Select(i => ids[i]).ToList();
        var rows = await context.WorkItemReadingWords.AsNoTracking()
            .Where(r => wantedIds.Contains(r.WorkItemId) && r.ReadingVersion == readingVersion)
            .ToDictionaryAsync(r => r.WorkItemId, cancellationToken);
        foreach (var i in wanted)
        {
            if (rows.TryGetValue(ids[i], out var row) && row.TextHash.AsSpan().SequenceEqual(TextHash(texts[i])))
            {
                withWords[i] = texts[i] with { Reading = texts[i].Reading! with { Words = FromBytes(row.Words) } };
            }
        }

        return withWords;
    }

    /// <summary>SHA-256 of the text as the models read it (<see cref="SkillText.Of(WorkItemText)"/>).</summary>
    public static byte[] TextHash(WorkItemText text) => SHA256.HashData(Encoding.UTF8.GetBytes(SkillText.Of(text)));

    /// <summary>
    /// Word count and state width, then each word's piece count and UTF-8 spelling (length first), then the states as float32;
    /// every number little-endian, so that kept words mean the same on every node.
    /// </summary>
    public static byte[] ToBytes(ReadingWords words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var spelled = words.Words.Select(Encoding.UTF8.GetBytes).ToArray();
        var bytes = new byte[(2 * sizeof(int)) + spelled.Sum(s => (2 * sizeof(int)) + s.Length) + (words.States.Length * sizeof(float))];
        var at = 0;
        Write(bytes, ref at, words.Words.Count);
        Write(bytes, ref at, words.Hidden);
        for (var w = 0; w < spelled.Length; w++)
        {
            Write(bytes, ref at, words.Pieces[w]);
            Write(bytes, ref at, spelled[w].Length);
            spelled[w].CopyTo(bytes.AsSpan(at));
            at += spelled[w].Length;
        }

        foreach (var value in words.States)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(at), value);
            at += sizeof(float);
        }

        return bytes;
    }

    public static ReadingWords FromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var at = 0;
        var (count, hidden) = (Read(bytes, ref at), Read(bytes, ref at));
        var words = new string[count];
        var pieces = new int[count];
        for (var w = 0; w < count; w++)
        {
            pieces[w] = Read(bytes, ref at);
            var length = Read(bytes, ref at);
            words[w] = Encoding.UTF8.GetString(bytes, at, length);
            at += length;
        }

        var states = new float[count * hidden];
        for (var k = 0; k < states.Length; k++)
        {
            states[k] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(at));
            at += sizeof(float);
        }

        return new ReadingWords(words, pieces, states);
    }

    private static void Write(byte[] bytes, ref int at, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), value);
        at += sizeof(int);
    }

    private static int Read(byte[] bytes, ref int at)
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
        at += sizeof(int);
        return value;
    }
}
