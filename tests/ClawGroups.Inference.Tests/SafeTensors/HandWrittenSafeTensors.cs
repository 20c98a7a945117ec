using System.Buffers.Binary;
using System.Text;

namespace ClawGroups.Inference.Tests.SafeTensors;

/// <summary>
/// Builds safetensors bytes by hand — header JSON by string concatenation, raw bytes after it — so the
/// reader is tested against a writer that is not its own, including files no correct writer would produce.
/// </summary>
internal sealed class HandWrittenSafeTensors : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("safetensors-tests-").FullName;

    public static byte[] Bytes(string headerJson, byte[] data, ulong? declaredHeaderLength = null)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredHeaderLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    public string PathFor(string name) => Path.Combine(_directory, name);

    public string Write(string name, byte[] bytes)
    {
        var path = PathFor(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string Write(string name, string headerJson, byte[] data) => Write(name, Bytes(headerJson, data));

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
