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

    /// <summary>The hash so far as upper-case hex, and the hash reset.</summary>
    public static string HexAndReset(IncrementalHash hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        hash.GetHashAndReset(digest);
        return Convert.ToHexString(digest);
    }
}
