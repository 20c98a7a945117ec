using System.Buffers.Binary;

namespace ClawGroups.Inference.SafeTensors;

/// <summary>Converts between float and the little-endian bytes of the floating-point safetensors dtypes.</summary>
public static class ElementCodec
{
    public static void Decode(SafeTensorsDType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        var size = dtype.ElementSize();
        for (var i = 0; i < destination.Length; i++)
        {
            var bytes = source.Slice(i * size, size);
            destination[i] = dtype switch
            {
                SafeTensorsDType.F32 => BinaryPrimitives.ReadSingleLittleEndian(bytes),
                SafeTensorsDType.F16 => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes),
                SafeTensorsDType.BF16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes) << 16),
                SafeTensorsDType.F64 => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes),
                _ => throw new NotSupportedException($"{dtype.HeaderName()} is not a floating-point dtype."),
            };
        }
    }

    public static void Encode(SafeTensorsDType dtype, ReadOnlySpan<float> source, Span<byte> destination)
    {
        var size = dtype.ElementSize();
        for (var i = 0; i < source.Length; i++)
        {
            var bytes = destination.Slice(i * size, size);
            switch (dtype)
            {
                case SafeTensorsDType.F32:
                    BinaryPrimitives.WriteSingleLittleEndian(bytes, source[i]);
                    break;
                case SafeTensorsDType.F16:
                    BinaryPrimitives.WriteHalfLittleEndian(bytes, (Half)source[i]);
                    break;
                case SafeTensorsDType.BF16:
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes, ToBFloat16(source[i]));
                    break;
                default:
                    throw new NotSupportedException($"Writing {dtype.HeaderName()} from floats is not supported; use F32, F16 or BF16.");
            }
        }
    }

    /// <summary>Rounds to nearest, ties to even, as torch does, so our BF16 files match torch's bit for bit.</summary>
    public static ushort ToBFloat16(float value)
    {
        if (float.IsNaN(value))
        {
            return 0x7FC0;
        }

        var bits = (uint)BitConverter.SingleToInt32Bits(value);
        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }
}
