using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ClawGroups.Inference.Skills;

/// <summary>
/// Fields appended to an incremental hash one by one, each text after its length, so that no two different sequences of
/// fields hash alike by where their words part, and nothing is built to be hashed (no joined text, no array per field).
/// </summary>
public static class FieldHash
{
    public static void Append(IncrementalHash hash, string? text)
    {
        ArgumentNullException.ThrowIfNull(hash);
        text ??= "";
        var most = Encoding.UTF8.GetMaxByteCount(text.Length);
        var rented = most > 512 ? ArrayPool<byte>.Shared.Rent(most) : null;
        try
        {
            Span<byte> bytes = rented ?? stackalloc byte[512];
            var length = Encoding.UTF8.GetBytes(text, bytes);
            Append(hash, length);
            hash.AppendData(bytes[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public static void Append(IncrementalHash hash, long value)
    {
        ArgumentNullException.ThrowIfNull(hash);
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        hash.AppendData(bytes);
    }

    public static void Append(IncrementalHash hash, Guid value)
    {
        ArgumentNullException.ThrowIfNull(hash);
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes);
        hash.AppendData(bytes);
    }

    /// <summary>
    /// A skill as the models read it: its id, name and description, then its tags and its examples, each list after its
    /// count. A card's profile (<see cref="SkillText.ContentHash"/>) and a pass's roster hash skills alike.
    /// </summary>
    public static void AppendSkill(
        IncrementalHash hash, string id, string name, string description, IReadOnlyList<string> tags, IReadOnlyList<string> examples)
    {
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(examples);
        Append(hash, id);
        Append(hash, name);
        Append(hash, description);
        Append(hash, tags.Count);
        foreach (var tag in tags)
        {
            Append(hash, tag);
        }

        Append(hash, examples.Count);
        foreach (var example in examples)
        {
            Append(hash, example);
        }
    }

    /// <summary>The hash so far as upper-case hex, and the hash reset.</summary>
    public static string HexAndReset(IncrementalHash hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        Span<byte> digest = stackalloc byte[hash.HashLengthInBytes];
        hash.GetHashAndReset(digest);
        return Convert.ToHexString(digest);
    }
}
