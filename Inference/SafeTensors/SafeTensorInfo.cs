namespace ClawGroups.Inference.SafeTensors;

/// <summary>One tensor's entry in a safetensors header.</summary>
/// <param name="DataBegin">Offset of the first byte, relative to the start of the data section.</param>
/// <param name="DataEnd">Offset one past the last byte, relative to the start of the data section.</param>
public sealed record SafeTensorInfo(
    string Name,
    SafeTensorsDType DType,
    IReadOnlyList<long> Shape,
    long DataBegin,
    long DataEnd)
{
    public long ElementCount => Shape.Aggregate(1L, (count, dimension) => checked(count * dimension));

    public long ByteLength => DataEnd - DataBegin;

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
