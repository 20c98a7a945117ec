using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ClawGroups.Inference.Moe;
using ClawGroups.Inference.SafeTensors;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Tuning;

/// <summary>
/// A group's fine-tuned heads on the shared, frozen encoder: the affinity embedding (pooled → embedding) and the
/// expected duration (pooled → ln seconds in standard units). About 66 KB per group, and the encoder cannot forget
/// what it learned from the corpus. Stored as safetensors under the checkpoint's names, with the fingerprint of
/// the base heads it was tuned from.
/// </summary>
public sealed class TunedHead
{
    public const string WeightName = "skill_heads.embedding.weight";
    public const string BiasName = "skill_heads.embedding.bias";
    public const string DurationWeightName = "skill_heads.duration.weight";
    public const string DurationBiasName = "skill_heads.duration.bias";

    /// <summary>Metadata key of the fingerprint of the base heads a head was tuned from.</summary>
    public const string BaseKey = "base_head_sha256";

    public TunedHead(LinearWeights embedding, LinearWeights duration, string baseFingerprint = "")
    {
        Embedding = embedding ?? throw new ArgumentNullException(nameof(embedding));
        Duration = duration ?? throw new ArgumentNullException(nameof(duration));
        BaseFingerprint = baseFingerprint ?? throw new ArgumentNullException(nameof(baseFingerprint));
        if (duration.Outputs != 1 || duration.Inputs != embedding.Inputs)
        {
            throw new ArgumentException($"The duration head must map the same {embedding.Inputs} inputs to 1 output, not {duration.Inputs} to {duration.Outputs}.", nameof(duration));
        }
    }

    public LinearWeights Embedding { get; }

    public LinearWeights Duration { get; }

    public int EmbeddingDim => Embedding.Outputs;

    public int HiddenSize => Embedding.Inputs;

    /// <summary>
    /// SHA-256 of the base heads this one was tuned from: retrained weights have another, and a head tuned on the old
    /// ones (same shapes, different meaning) must not be put on them.
    /// </summary>
    public string BaseFingerprint { get; }

    /// <summary>The network's own heads, the starting point of tuning.</summary>
    public static TunedHead Of(SkillNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var scope = NewDisposeScope();
        var (embedding, duration) = (LinearWeights.Of(network.EmbeddingProjection), LinearWeights.Of(network.DurationProjection));
        return new TunedHead(embedding, duration, Fingerprint(embedding, duration));
    }

    /// <summary>Unit-length embeddings [batch, embedding] of pooled encoder outputs [batch, hidden].</summary>
    public Tensor Embed(Tensor pooled) => nn.functional.normalize(Embedding.Forward(pooled), p: 2, dim: -1);

    /// <summary>ln(seconds) in standard units, [batch].</summary>
    public Tensor DurationStandardLog(Tensor pooled) => Duration.Forward(pooled).squeeze(-1);

    /// <summary>Throws unless this head was tuned from <paramref name="baseHead"/>: the same shapes and the same base weights.</summary>
    public void EnsureFits(TunedHead baseHead)
    {
        ArgumentNullException.ThrowIfNull(baseHead);
        if (baseHead.EmbeddingDim != EmbeddingDim || baseHead.HiddenSize != HiddenSize)
        {
            throw new InvalidOperationException($"A {EmbeddingDim}×{HiddenSize} tuned head does not fit a network with a " +
                                                $"{baseHead.EmbeddingDim}×{baseHead.HiddenSize} embedding head; it was tuned on other weights.");
        }

        if (BaseFingerprint != baseHead.BaseFingerprint)
        {
            throw new InvalidOperationException("This head was tuned on other weights (its base head's fingerprint differs): the base model was retrained since.");
        }
    }

    public byte[] ToSafeTensors()
    {
        using var stream = new MemoryStream();
        SafeTensorsWriter.Write(stream, [
            Entry(WeightName, [EmbeddingDim, HiddenSize], Embedding.Weight),
            Entry(BiasName, [EmbeddingDim], Embedding.Bias),
            Entry(DurationWeightName, [1, HiddenSize], Duration.Weight),
            Entry(DurationBiasName, [1], Duration.Bias),
        ], new Dictionary<string, string> { [BaseKey] = BaseFingerprint });
        return stream.ToArray();
    }

    /// <summary>Reads a head written by <see cref="ToSafeTensors"/>; a damaged one fails with <see cref="SafeTensorsFormatException"/>.</summary>
    public static TunedHead FromSafeTensors(byte[] bytes)
    {
        var buffer = SafeTensorsBuffer.Parse(bytes);
        try
        {
            return new TunedHead(Read(buffer, WeightName, BiasName), Read(buffer, DurationWeightName, DurationBiasName),
                buffer.Header.Metadata.GetValueOrDefault(BaseKey, string.Empty));
        }
        catch (ArgumentException exception)
        {
            throw new SafeTensorsFormatException($"The layers do not make one head: {exception.Message}", exception);
        }
    }

    private static SafeTensorsEntry Entry(string name, long[] shape, float[] values) => SafeTensorsEntry.FromFloats(name, SafeTensorsDType.F32, shape, values);

    private static LinearWeights Read(SafeTensorsBuffer buffer, string weightName, string biasName)
    {
        var weight = buffer.Info(weightName);
        if (weight.Shape.Count != 2 || buffer.Info(biasName).Shape.Count != 1)
        {
            throw new SafeTensorsFormatException($"A tuned head holds a 2-d '{weightName}' and a 1-d '{biasName}'.");
        }

        try
        {
            return new LinearWeights((int)weight.Shape[0], (int)weight.Shape[1], buffer.ReadFloats(weightName), buffer.ReadFloats(biasName));
        }
        catch (ArgumentException exception)
        {
            throw new SafeTensorsFormatException($"'{weightName}' and '{biasName}' do not make one layer: {exception.Message}", exception);
        }
    }

    private static string Fingerprint(params LinearWeights[] layers)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var layer in layers)
        {
            sha.AppendData(MemoryMarshal.AsBytes(layer.Weight.AsSpan()));
            sha.AppendData(MemoryMarshal.AsBytes(layer.Bias.AsSpan()));
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
