using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace ClawGroups.Inference.SafeTensors;

/// <summary>
/// An open safetensors file. Only the header is read on open; tensor data is read on demand with positional
/// reads, so a checkpoint larger than memory never has to be held in one array.
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly Dictionary<string, SafeTensorInfo> _byName;

    private SafeTensorsFile(string path, SafeFileHandle handle, SafeTensorsHeader header, long dataStart)
    {
        Path = path;
        _handle = handle;
        Header = header;
        DataStart = dataStart;
        _byName = header.Tensors.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal);
    }

    public string Path { get; }

    public SafeTensorsHeader Header { get; }

    /// <summary>File offset of the data section (8 + header length).</summary>
    public long DataStart { get; }

    public IReadOnlyList<SafeTensorInfo> Tensors => Header.Tensors;

    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;

    public SafeTensorInfo this[string name] => _byName.TryGetValue(name, out var info)
        ? info
        : throw new KeyNotFoundException($"'{Path}' holds no tensor named '{name}'.");

    public bool Contains(string name) => _byName.ContainsKey(name);

    public static SafeTensorsFile Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            var fileLength = RandomAccess.GetLength(handle);
            if (fileLength < 8)
            {
                throw new SafeTensorsFormatException($"'{path}' is {fileLength} bytes, too short for the 8-byte header length.");
            }

            Span<byte> prefix = stackalloc byte[8];
            ReadExactly(handle, prefix, 0);
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > (ulong)(fileLength - 8))
            {
                throw new SafeTensorsFormatException(
                    $"'{path}': the header length {headerLength} runs past the end of the file ({fileLength} bytes).");
            }

            if (headerLength > SafeTensorsHeader.MaxHeaderLength)
            {
                throw new SafeTensorsFormatException(
                    $"'{path}': the header length {headerLength} exceeds the limit of {SafeTensorsHeader.MaxHeaderLength} bytes.");
            }

            var json = new byte[headerLength];
            ReadExactly(handle, json, 8);
            var dataStart = 8 + (long)headerLength;
            SafeTensorsHeader header;
            try
            {
                header = SafeTensorsHeader.Parse(json, fileLength - dataStart);
            }
            catch (SafeTensorsFormatException exception)
            {
                throw new SafeTensorsFormatException($"'{path}': {exception.Message}", exception);
            }

            return new SafeTensorsFile(path, handle, header, dataStart);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Copies raw little-endian bytes of a tensor, starting <paramref name="offset"/> bytes into it.</summary>
    public void ReadBytes(SafeTensorInfo tensor, long offset, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (offset < 0 || offset + destination.Length > tensor.ByteLength)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Tensor '{tensor.Name}' has {tensor.ByteLength} bytes.");
        }

        ReadExactly(_handle, destination, DataStart + tensor.DataBegin + offset);
    }

    /// <summary>A read-only stream over one tensor's bytes, for copying it into native memory in chunks.</summary>
    public Stream OpenRead(SafeTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new FileRangeStream(_handle, DataStart + tensor.DataBegin, tensor.ByteLength);
    }

    /// <summary>Reads a floating-point tensor (F32, F16 or BF16) widened to float.</summary>
    public float[] ReadFloats(string name)
    {
        var tensor = this[name];
        var values = new float[tensor.ElementCount];
        var elementSize = tensor.DType.ElementSize();
        const int ChunkElements = 1 << 16;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkElements * elementSize);
        try
        {
            for (long start = 0; start < values.Length; start += ChunkElements)
            {
                var count = (int)Math.Min(ChunkElements, values.Length - start);
                var bytes = buffer.AsSpan(0, count * elementSize);
                ReadBytes(tensor, start * elementSize, bytes);
                ElementCodec.Decode(tensor.DType, bytes, values.AsSpan((int)start, count));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return values;
    }

    /// <summary>Reads an integer tensor (I64 or I32) widened to long: token ids, positions.</summary>
    public long[] ReadInt64s(string name)
    {
        var tensor = this[name];
        if (tensor.DType is not (SafeTensorsDType.I64 or SafeTensorsDType.I32))
        {
            throw new InvalidOperationException($"Tensor '{name}' is {tensor.DType.HeaderName()}, not an I64 or I32 tensor.");
        }

        var bytes = new byte[tensor.ByteLength];
        ReadBytes(tensor, 0, bytes);
        var values = new long[tensor.ElementCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = tensor.DType == SafeTensorsDType.I64
                ? BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * 8))
                : BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(i * 4));
        }

        return values;
    }

    public void Dispose() => _handle.Dispose();

    private static void ReadExactly(SafeFileHandle handle, Span<byte> destination, long fileOffset)
    {
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(handle, destination, fileOffset);
            if (read == 0)
            {
                throw new EndOfStreamException("The safetensors file ended before the bytes its header promises.");
            }

            destination = destination[read..];
            fileOffset += read;
        }
    }
}
