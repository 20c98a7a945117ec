using ClawGroups.Inference.SafeTensors;

namespace ClawGroups.Inference.Tests.SafeTensors;

public sealed class SafeTensorsCorruptionTests : IDisposable
{
    private static readonly byte[] s_eightBytes = HandWrittenSafeTensors.Floats(1f, 2f);

    private readonly HandWrittenSafeTensors _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_file_shorter_than_the_length_prefix_is_rejected()
    {
        AssertRejected(_files.Write("short.safetensors", [1, 2, 3]), "too short for the 8-byte header length");
    }

    [Fact]
    public void A_header_length_past_the_end_of_the_file_is_rejected()
    {
        var bytes = HandWrittenSafeTensors.Bytes("{}", [], declaredHeaderLength: 1_000);

        AssertRejected(_files.Write("long-header.safetensors", bytes), "header length 1000 runs past the end of the file");
    }

    [Fact]
    public void A_header_that_is_not_json_is_rejected()
    {
        AssertRejected(Write("""{"a": {"dtype": "F32", """, []), "not valid JSON");
    }

    [Fact]
    public void Text_after_the_header_object_is_rejected()
    {
        AssertRejected(Write("{} {}", []), "not valid JSON");
    }

    [Fact]
    public void A_header_that_is_not_an_object_is_rejected()
    {
        AssertRejected(Write("[1, 2]", []), "must be a JSON object");
    }

    [Fact]
    public void An_unknown_dtype_is_rejected_naming_tensor_and_dtype()
    {
        AssertRejected(
            Write("""{"w":{"dtype":"F8_E4M3","shape":[8],"data_offsets":[0,8]}}""", s_eightBytes),
            "Tensor 'w': unknown dtype 'F8_E4M3'");
    }

    [Fact]
    public void A_shape_that_disagrees_with_the_byte_length_is_rejected()
    {
        AssertRejected(
            Write("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", s_eightBytes),
            "Tensor 'w': shape [3] of F32 needs 12 bytes, but data_offsets [0, 8] span 8");
    }

    [Fact]
    public void Offsets_past_the_data_section_are_rejected()
    {
        AssertRejected(
            Write("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", s_eightBytes),
            "Tensor 'w': data_offsets [0, 16] run past the end of the data section (8 bytes)");
    }

    [Fact]
    public void Overlapping_tensors_are_rejected()
    {
        AssertRejected(
            Write(
                """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""",
                s_eightBytes),
            "overlap tensor 'a'");
    }

    [Fact]
    public void A_gap_between_tensors_is_rejected()
    {
        AssertRejected(
            Write("""{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", s_eightBytes),
            "bytes [0, 4) of the data section not covered");
    }

    [Fact]
    public void Trailing_bytes_no_tensor_covers_are_rejected()
    {
        AssertRejected(
            Write("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", s_eightBytes),
            "bytes [4, 8) are not covered");
    }

    [Fact]
    public void Reversed_offsets_are_rejected()
    {
        AssertRejected(
            Write("""{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}""", s_eightBytes),
            "Tensor 'a': 'data_offsets' must be [begin, end] with begin <= end");
    }

    [Fact]
    public void Negative_or_fractional_dimensions_are_rejected()
    {
        AssertRejected(
            Write("""{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", s_eightBytes),
            "Tensor 'a': 'shape' must hold non-negative integers, got -2");
        AssertRejected(
            Write("""{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}""", s_eightBytes),
            "got 1.5");
    }

    [Fact]
    public void A_missing_field_is_rejected_by_name()
    {
        AssertRejected(
            Write("""{"a":{"dtype":"F32","data_offsets":[0,8]}}""", s_eightBytes),
            "Tensor 'a': 'shape' is missing");
    }

    [Fact]
    public void A_tensor_named_twice_is_rejected()
    {
        AssertRejected(
            Write(
                """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""",
                s_eightBytes),
            "names 'a' twice");
    }

    [Fact]
    public void Metadata_values_that_are_not_strings_are_rejected()
    {
        AssertRejected(Write("""{"__metadata__":{"format":1}}""", []), "'__metadata__' entry 'format' must be a string");
    }

    private string Write(string header, byte[] data) => _files.Write($"{Guid.NewGuid():N}.safetensors", header, data);

    private static void AssertRejected(string path, string expectedMessagePart)
    {
        var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Open(path).Dispose());
        Assert.Contains(expectedMessagePart, error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
