using System.Buffers.Binary;
using ClawGroups.Inference.SafeTensors;

namespace ClawGroups.Inference.Tests.SafeTensors;

public sealed class SafeTensorsRoundTripTests : IDisposable
{
    private readonly HandWrittenSafeTensors _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void F32_values_survive_a_write_and_read_exactly()
    {
        float[] values = [0f, -1.5f, 3.25e-8f, float.MaxValue, float.Epsilon, 123456.789f];

        var read = WriteAndRead(SafeTensorsDType.F32, [2, 3], values);

        Assert.Equal(values, read);
    }

    [Fact]
    public void F16_values_survive_a_write_and_read_as_half_precision_rounds_them()
    {
        float[] values = [0f, -1.5f, 0.1f, 65504f, 3.14159f, -0.000061f];

        var read = WriteAndRead(SafeTensorsDType.F16, [6], values);

        Assert.Equal(values.Select(v => (float)(Half)v), read);
    }

    [Fact]
    public void BF16_values_survive_a_write_and_read_rounded_to_nearest_even()
    {
        float[] values = [0f, -1.5f, 0.1f, 1e30f, 3.14159f, 1.00390625f];

        var read = WriteAndRead(SafeTensorsDType.BF16, [3, 2], values);

        // 0.1 = 0x3DCCCCCD rounds up to 0x3DCD; 1.00390625 = 0x3F808000 is a tie and rounds to even 0x3F80.
        Assert.Equal(BitConverter.Int32BitsToSingle(0x3DCD << 16), read[2]);
        Assert.Equal(1f, read[5]);
        Assert.All(values.Zip(read), pair => Assert.Equal(pair.First, pair.Second, Math.Abs(pair.First) * 0.004f));
    }

    [Fact]
    public void Header_keeps_names_shapes_dtypes_and_metadata()
    {
        var path = _files.PathFor("meta.safetensors");
        SafeTensorsWriter.WriteFile(
            path,
            [
                SafeTensorsEntry.FromFloats("b.weight", SafeTensorsDType.BF16, [2, 2], new float[4]),
                SafeTensorsEntry.FromFloats("a.scalar", SafeTensorsDType.F32, [], new float[] { 7f }),
            ],
            new Dictionary<string, string> { ["format"] = "pt" });

        using var file = SafeTensorsFile.Open(path);

        Assert.Equal(["b.weight", "a.scalar"], file.Tensors.Select(t => t.Name));
        Assert.Equal([2L, 2L], file["b.weight"].Shape);
        Assert.Equal(SafeTensorsDType.BF16, file["b.weight"].DType);
        Assert.Empty(file["a.scalar"].Shape);
        Assert.Equal([7f], file.ReadFloats("a.scalar"));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(0, file.DataStart % 8);
    }

    [Fact]
    public void Integer_tensors_written_by_another_writer_are_read()
    {
        var data = new byte[8 * 2 + 4 * 3];
        BinaryPrimitives.WriteInt64LittleEndian(data, long.MaxValue);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), -2);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(16), 5);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(20), -6);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(24), int.MinValue);
        var path = _files.Write(
            "ints.safetensors",
            """{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"pos":{"dtype":"I32","shape":[3],"data_offsets":[16,28]}}""",
            data);

        using var file = SafeTensorsFile.Open(path);

        Assert.Equal([long.MaxValue, -2L], file.ReadInt64s("ids"));
        Assert.Equal([5L, -6L, int.MinValue], file.ReadInt64s("pos"));
    }

    [Fact]
    public void Empty_tensors_and_an_empty_file_are_valid()
    {
        var path = _files.PathFor("empty.safetensors");
        SafeTensorsWriter.WriteFile(path, [SafeTensorsEntry.FromFloats("nothing", SafeTensorsDType.F32, [0, 4], Array.Empty<float>())]);
        var bare = _files.Write("bare.safetensors", "{}", []);

        using var file = SafeTensorsFile.Open(path);
        using var bareFile = SafeTensorsFile.Open(bare);

        Assert.Empty(file.ReadFloats("nothing"));
        Assert.Empty(bareFile.Tensors);
    }

    [Fact]
    public void Writer_refuses_a_tensor_that_writes_the_wrong_number_of_bytes()
    {
        var entry = new SafeTensorsEntry("short", SafeTensorsDType.F32, [4], stream => stream.Write(new byte[12]));

        var error = Assert.Throws<InvalidOperationException>(() => SafeTensorsWriter.Write(Stream.Null, [entry]));

        Assert.Contains("'short' wrote 12 bytes", error.Message, StringComparison.Ordinal);
    }

    private float[] WriteAndRead(SafeTensorsDType dtype, long[] shape, float[] values)
    {
        var path = _files.PathFor($"{dtype}.safetensors");
        SafeTensorsWriter.WriteFile(path, [SafeTensorsEntry.FromFloats("t", dtype, shape, values)]);
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(shape, file["t"].Shape);
        return file.ReadFloats("t");
    }
}
