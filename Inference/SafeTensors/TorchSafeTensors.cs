using static TorchSharp.torch;

namespace ClawGroups.Inference.SafeTensors;

/// <summary>Moves tensors between safetensors files and TorchSharp, streaming bytes in chunks.</summary>
public static class TorchSafeTensors
{
    private const int ChunkBytes = 1 << 20;

    public static ScalarType ToScalarType(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F64 => ScalarType.Float64,
        SafeTensorsDType.F32 => ScalarType.Float32,
        SafeTensorsDType.F16 => ScalarType.Float16,
        SafeTensorsDType.BF16 => ScalarType.BFloat16,
        SafeTensorsDType.I64 => ScalarType.Int64,
        SafeTensorsDType.I32 => ScalarType.Int32,
        SafeTensorsDType.I16 => ScalarType.Int16,
        SafeTensorsDType.I8 => ScalarType.Int8,
        SafeTensorsDType.U8 => ScalarType.Byte,
        SafeTensorsDType.Bool => ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>Reads one tensor into a new CPU tensor of its stored dtype.</summary>
    public static Tensor ReadTensor(this SafeTensorsFile file, SafeTensorInfo info)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(info);
        EnsureLittleEndian();
        var tensor = empty(info.Shape.ToArray(), dtype: info.DType.ToScalarType());
        if (info.ByteLength > 0)
        {
            using var data = file.OpenRead(info);
            tensor.ReadBytesFromStream(data, (int)Math.Min(ChunkBytes, info.ByteLength));
        }

        return tensor;
    }

    /// <summary>An entry that writes <paramref name="tensor"/> as <paramref name="dtype"/> (F32, F16 or BF16), converted by torch.</summary>
    public static SafeTensorsEntry ToEntry(string name, Tensor tensor, SafeTensorsDType dtype)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (dtype is not (SafeTensorsDType.F32 or SafeTensorsDType.F16 or SafeTensorsDType.BF16))
        {
            throw new ArgumentException($"Writing {dtype.HeaderName()} is not supported; use F32, F16 or BF16.", nameof(dtype));
        }

        EnsureLittleEndian();
        return new SafeTensorsEntry(name, dtype, tensor.shape, stream =>
        {
            using var scope = NewDisposeScope();
            var bytes = tensor.detach().to(dtype.ToScalarType()).cpu().contiguous();
            if (bytes.numel() > 0)
            {
                bytes.WriteBytesToStream(stream, (int)Math.Min(ChunkBytes, bytes.numel() * bytes.ElementSize));
            }
        });
    }

    /// <summary>Writes named tensors to one file; <c>format: pt</c> in the metadata is what transformers expects.</summary>
    public static void Save(
        string path,
        IEnumerable<(string Name, Tensor Tensor)> tensors,
        SafeTensorsDType dtype = SafeTensorsDType.F32,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var withFormat = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        withFormat.TryAdd("format", "pt");
        SafeTensorsWriter.WriteFile(path, tensors.Select(t => ToEntry(t.Name, t.Tensor, dtype)).ToList(), withFormat);
    }

    private static void EnsureLittleEndian()
    {
        // Safetensors data is little-endian and torch's memory is native-endian: copying raw bytes is only right here.
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Safetensors byte copies assume a little-endian machine.");
        }
    }
}
