using System.Buffers.Binary;

namespace ClawGroups.Inference.SafeTensors;

/// <summary>One tensor to write: its header entry and a callback that writes exactly its bytes.</summary>
public sealed record SafeTensorsEntry(
    string Name,
    SafeTensorsDType DType,
    IReadOnlyList<long> Shape,
    Action<Stream> WriteData)
{
    /// <summary>An entry whose data is encoded from floats (F32, F16 or BF16).</summary>
    public static SafeTensorsEntry FromFloats(string name, SafeTensorsDType dtype, IReadOnlyList<long> shape, ReadOnlyMemory<float> values) =>
        new(name, dtype, shape, stream =>
        {
            var bytes = new byte[values.Length * dtype.ElementSize()];
            ElementCodec.Encode(dtype, values.Span, bytes);
            stream.Write(bytes);
        });
}

/// <summary>Writes safetensors files: the header first, then each tensor's data streamed in order.</summary>
public static class SafeTensorsWriter
{
    public static void Write(Stream destination, IReadOnlyList<SafeTensorsEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(tensors);
        var header = SafeTensorsHeader.ForTensors(tensors.Select(t => (t.Name, t.DType, t.Shape)), metadata);
        var json = header.ToUtf8Json();
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)json.Length);
        destination.Write(prefix);
        destination.Write(json);

        var counter = new CountingStream(destination);
        for (var i = 0; i < tensors.Count; i++)
        {
            var before = counter.BytesWritten;
            tensors[i].WriteData(counter);
            var written = counter.BytesWritten - before;
            if (written != header.Tensors[i].ByteLength)
            {
                // A short or long write would shift every later tensor: fail rather than leave a file that lies.
                throw new InvalidOperationException(
                    $"Tensor '{tensors[i].Name}' wrote {written} bytes; its shape and dtype need {header.Tensors[i].ByteLength}.");
            }
        }
    }

    /// <summary>Writes to a temporary file beside <paramref name="path"/> and moves it into place, so a crash never leaves half a checkpoint.</summary>
    public static void WriteFile(string path, IReadOnlyList<SafeTensorsEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        var temporary = fullPath + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Write(stream, tensors, metadata);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesWritten { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => BytesWritten;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            BytesWritten += buffer.Length;
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
