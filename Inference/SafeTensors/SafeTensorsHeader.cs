using System.Text;
using System.Text.Json;

namespace ClawGroups.Inference.SafeTensors;

/// <summary>
/// The JSON header of a safetensors file: parsed and checked against the size of the data section, or built
/// for writing. The format is an 8-byte little-endian header length, this header, then the raw data.
/// </summary>
public sealed class SafeTensorsHeader
{
    /// <summary>The reference implementation refuses larger headers; so do we, before allocating for one.</summary>
    public const long MaxHeaderLength = 100_000_000;

    public const string MetadataKey = "__metadata__";

    public SafeTensorsHeader(IReadOnlyList<SafeTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The tensors in the order of their data.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Parses a header and checks that its tensors exactly tile a data section of <paramref name="dataLength"/> bytes.</summary>
    public static SafeTensorsHeader Parse(ReadOnlyMemory<byte> json, long dataLength)
    {
        var tensors = new List<SafeTensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            // Parse, not ParseValue: text after the object (other than the space padding) is corruption too.
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SafeTensorsFormatException("The safetensors header must be a JSON object.");
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw new SafeTensorsFormatException($"The safetensors header names '{property.Name}' twice.");
                }

                if (property.Name == MetadataKey)
                {
                    ReadMetadata(property.Value, metadata);
                }
                else
                {
                    tensors.Add(ReadTensor(property.Name, property.Value));
                }
            }
        }
        catch (JsonException exception)
        {
            throw new SafeTensorsFormatException($"The safetensors header is not valid JSON: {exception.Message}", exception);
        }

        tensors.Sort((left, right) => left.DataBegin != right.DataBegin
            ? left.DataBegin.CompareTo(right.DataBegin)
            : left.DataEnd.CompareTo(right.DataEnd));
        CheckLayout(tensors, dataLength);
        return new SafeTensorsHeader(tensors, metadata);
    }

    /// <summary>Lays tensors out back to back in the given order and returns the header for them.</summary>
    public static SafeTensorsHeader ForTensors(
        IEnumerable<(string Name, SafeTensorsDType DType, IReadOnlyList<long> Shape)> tensors,
        IReadOnlyDictionary<string, string>? metadata)
    {
        var laidOut = new List<SafeTensorInfo>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        long offset = 0;
        foreach (var (name, dtype, shape) in tensors)
        {
            if (name == MetadataKey || !names.Add(name))
            {
                throw new ArgumentException($"Tensor name '{name}' is reserved or repeated.", nameof(tensors));
            }

            if (shape.Any(dimension => dimension < 0))
            {
                throw new ArgumentException($"Tensor '{name}' has a negative dimension in its shape.", nameof(tensors));
            }

            var info = new SafeTensorInfo(name, dtype, shape.ToArray(), offset, 0);
            info = info with { DataEnd = offset + checked(info.ElementCount * dtype.ElementSize()) };
            laidOut.Add(info);
            offset = info.DataEnd;
        }

        return new SafeTensorsHeader(laidOut, metadata ?? new Dictionary<string, string>());
    }

    public long DataLength => Tensors.Count == 0 ? 0 : Tensors[^1].DataEnd;

    /// <summary>The UTF-8 header, padded with spaces to a multiple of 8 bytes so the data that follows is aligned.</summary>
    public byte[] ToUtf8Json()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (Metadata.Count > 0)
            {
                writer.WriteStartObject(MetadataKey);
                foreach (var (key, value) in Metadata)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            foreach (var tensor in Tensors)
            {
                writer.WriteStartObject(tensor.Name);
                writer.WriteString("dtype", tensor.DType.HeaderName());
                writer.WriteStartArray("shape");
                foreach (var dimension in tensor.Shape)
                {
                    writer.WriteNumberValue(dimension);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(tensor.DataBegin);
                writer.WriteNumberValue(tensor.DataEnd);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        var padding = (int)((8 - (buffer.Length % 8)) % 8);
        buffer.Write(Encoding.ASCII.GetBytes(new string(' ', padding)));
        return buffer.ToArray();
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new SafeTensorsFormatException($"'{MetadataKey}' must be an object of strings.");
        }

        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafeTensorsFormatException($"'{MetadataKey}' entry '{entry.Name}' must be a string.");
            }

            metadata[entry.Name] = entry.Value.GetString()!;
        }
    }

    private static SafeTensorInfo ReadTensor(string name, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new SafeTensorsFormatException($"Tensor '{name}': its header entry must be an object.");
        }

        var dtypeName = element.TryGetProperty("dtype", out var dtypeElement) && dtypeElement.ValueKind == JsonValueKind.String
            ? dtypeElement.GetString()
            : throw new SafeTensorsFormatException($"Tensor '{name}': 'dtype' is missing or not a string.");
        if (!SafeTensorsDTypes.TryParse(dtypeName, out var dtype))
        {
            throw new SafeTensorsFormatException($"Tensor '{name}': unknown dtype '{dtypeName}'.");
        }

        var shape = ReadNonNegativeIntegers(name, element, "shape");
        var offsets = ReadNonNegativeIntegers(name, element, "data_offsets");
        if (offsets.Length != 2 || offsets[0] > offsets[1])
        {
            throw new SafeTensorsFormatException(
                $"Tensor '{name}': 'data_offsets' must be [begin, end] with begin <= end, got [{string.Join(", ", offsets)}].");
        }

        var info = new SafeTensorInfo(name, dtype, shape, offsets[0], offsets[1]);
        long expectedBytes;
        try
        {
            expectedBytes = checked(info.ElementCount * dtype.ElementSize());
        }
        catch (OverflowException exception)
        {
            throw new SafeTensorsFormatException($"Tensor '{name}': shape {info.ShapeText} is too large.", exception);
        }

        if (expectedBytes != info.ByteLength)
        {
            throw new SafeTensorsFormatException(
                $"Tensor '{name}': shape {info.ShapeText} of {dtypeName} needs {expectedBytes} bytes, " +
                $"but data_offsets [{info.DataBegin}, {info.DataEnd}] span {info.ByteLength}.");
        }

        return info;
    }

    private static long[] ReadNonNegativeIntegers(string name, JsonElement element, string property)
    {
        if (!element.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new SafeTensorsFormatException($"Tensor '{name}': '{property}' is missing or not an array.");
        }

        return array.EnumerateArray()
            .Select(item => item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out var value) && value >= 0
                ? value
                : throw new SafeTensorsFormatException(
                    $"Tensor '{name}': '{property}' must hold non-negative integers, got {item.GetRawText()}."))
            .ToArray();
    }

    /// <summary>Sorted by begin, the tensors must start at 0, follow each other without gap or overlap, and end at the data's end.</summary>
    private static void CheckLayout(List<SafeTensorInfo> sorted, long dataLength)
    {
        long expectedBegin = 0;
        SafeTensorInfo? previous = null;
        foreach (var tensor in sorted)
        {
            if (tensor.DataEnd > dataLength)
            {
                throw new SafeTensorsFormatException(
                    $"Tensor '{tensor.Name}': data_offsets [{tensor.DataBegin}, {tensor.DataEnd}] run past the end " +
                    $"of the data section ({dataLength} bytes).");
            }

            if (tensor.DataBegin < expectedBegin)
            {
                throw new SafeTensorsFormatException(
                    $"Tensor '{tensor.Name}': data_offsets [{tensor.DataBegin}, {tensor.DataEnd}] overlap " +
                    $"tensor '{previous!.Name}' [{previous.DataBegin}, {previous.DataEnd}].");
            }

            if (tensor.DataBegin > expectedBegin)
            {
                throw new SafeTensorsFormatException(
                    $"Tensor '{tensor.Name}': data_offsets begin at {tensor.DataBegin}, leaving bytes " +
                    $"[{expectedBegin}, {tensor.DataBegin}) of the data section not covered by any tensor.");
            }

            expectedBegin = tensor.DataEnd;
            previous = tensor;
        }

        if (expectedBegin != dataLength)
        {
            throw new SafeTensorsFormatException(
                $"The tensors cover {expectedBegin} bytes but the data section holds {dataLength}: " +
                $"bytes [{expectedBegin}, {dataLength}) are not covered by any tensor.");
        }
    }
}
