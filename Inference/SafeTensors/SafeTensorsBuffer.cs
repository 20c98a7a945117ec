using System.Buffers.Binary;

namespace ClawGroups.Inference.SafeTensors;

/// <summary>
/// A small safetensors file held in memory (a group's tuned head read from the database), with the same checks
/// as <see cref="SafeTensorsFile"/>: a length that fits, a header that parses, offsets inside the data.
/// </summary>
public sealed class SafeTensorsBuffer
{
    private readonly ReadOnlyMemory<byte> _data;
    private readonly Dictionary<string, SafeTensorInfo> _byName;

    private SafeTensorsBuffer(SafeTensorsHeader header, ReadOnlyMemory<byte> data)
    {
        Header = header;
        _data = data;
        _byName = header.Tensors.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal);
    }

    public SafeTensorsHeader Header { get; }

    public static SafeTensorsBuffer Parse(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length < 8)
        {
            throw new SafeTensorsFormatException($"{bytes.Length} bytes are too short for the 8-byte header length.");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Span);
        if (headerLength > (ulong)(bytes.Length - 8) || headerLength > SafeTensorsHeader.MaxHeaderLength)
        {
            throw new SafeTensorsFormatException($"The header length {headerLength} runs past the end of the {bytes.Length} bytes.");
        }

        var data = bytes[(8 + (int)headerLength)..];
        return new SafeTensorsBuffer(SafeTensorsHeader.Parse(bytes.Slice(8, (int)headerLength), data.Length), data);
    }

    public SafeTensorInfo Info(string name) => _byName.TryGetValue(name, out var info)
        ? info
        : throw new SafeTensorsFormatException($"No tensor named '{name}'.");

    /// <summary>A floating-point tensor (F32, F16 or BF16) widened to float.</summary>
    public float[] ReadFloats(string name)
    {
        var tensor = Info(name);
        var values = new float[tensor.ElementCount];
        ElementCodec.Decode(tensor.DType, _data.Span[(int)tensor.DataBegin..(int)tensor.DataEnd], values);
        return values;
    }
}
