using ClawGroups.Inference.Moe;
using ClawGroups.Inference.SafeTensors;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Tuning;

/// <summary>
/// A group's fine-tuned embedding head: the projection from the encoder's pooled output to the affinity embedding,
/// [embedding, hidden] and [embedding]. The encoder is shared and frozen, so a group's tuning is 66 KB and cannot
/// make the encoder forget what it learned from the corpus. Stored as safetensors under the checkpoint's names.
/// </summary>
public sealed class TunedHead
{
    public const string WeightName = "skill_heads.embedding.weight";
    public const string BiasName = "skill_heads.embedding.bias";

    /// <summary>Metadata key of the fingerprint of the base head a head was tuned from.</summary>
    public const string BaseKey = "base_head_sha256";

    private readonly float[] _weight;
    private readonly float[] _bias;
    private readonly Lazy<(Tensor Weight, Tensor Bias)> _tensors;

    public TunedHead(int embeddingDim, int hiddenSize, float[] weight, float[] bias, string baseFingerprint = "")
    {
        ArgumentNullException.ThrowIfNull(baseFingerprint);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        if (weight.Length != embeddingDim * hiddenSize || bias.Length != embeddingDim)
        {
            throw new ArgumentException($"A {embeddingDim}×{hiddenSize} head needs {embeddingDim * hiddenSize} weights and {embeddingDim} biases, " +
                                        $"not {weight.Length} and {bias.Length}.");
        }

        (EmbeddingDim, HiddenSize, _weight, _bias, BaseFingerprint) = (embeddingDim, hiddenSize, weight, bias, baseFingerprint);
        // Kept for the head's lifetime: detached from whatever dispose scope is open when a first Embed builds them.
        _tensors = new(
            () => (tensor(_weight, [embeddingDim, hiddenSize]).DetachFromDisposeScope(), tensor(_bias, [embeddingDim]).DetachFromDisposeScope()),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public int EmbeddingDim { get; }

    public int HiddenSize { get; }

    /// <summary>
    /// SHA-256 of the base head this one was tuned from: retrained weights have another, and a head tuned on the old
    /// ones (same shapes, different meaning) must not be put on them.
    /// </summary>
    public string BaseFingerprint { get; }

    /// <summary>The network's own head, the starting point of tuning.</summary>
    public static TunedHead Of(SkillNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var projection = network.EmbeddingProjection;
        var (weight, bias) = (projection.weight!.detach().contiguous().data<float>().ToArray(), projection.bias!.detach().contiguous().data<float>().ToArray());
        return new TunedHead(network.HeadsConfig.EmbeddingDim, network.Config.HiddenSize, weight, bias, Fingerprint(weight, bias));
    }

    /// <summary>A head with tuned weights, remembering which base it started from.</summary>
    public static TunedHead FromTensors(Tensor weight, Tensor bias, string baseFingerprint)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        return new TunedHead((int)weight.shape[0], (int)weight.shape[1],
            weight.detach().contiguous().data<float>().ToArray(), bias.detach().contiguous().data<float>().ToArray(), baseFingerprint);
    }

    /// <summary>Unit-length embeddings [batch, embedding] of pooled encoder outputs [batch, hidden].</summary>
    public Tensor Embed(Tensor pooled)
    {
        ArgumentNullException.ThrowIfNull(pooled);
        var (weight, bias) = _tensors.Value;
        return nn.functional.normalize(pooled.matmul(weight.t()) + bias, p: 2, dim: -1);
    }

    /// <summary>A fresh copy of the weights as trainable leaves.</summary>
    public (Tensor Weight, Tensor Bias) TrainableCopy() =>
        (tensor(_weight, [EmbeddingDim, HiddenSize]).requires_grad_(true), tensor(_bias, [EmbeddingDim]).requires_grad_(true));

    public void EnsureFits(SkillNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.HeadsConfig.EmbeddingDim != EmbeddingDim || network.Config.HiddenSize != HiddenSize)
        {
            throw new InvalidOperationException($"A {EmbeddingDim}×{HiddenSize} tuned head does not fit a network with a " +
                                                $"{network.HeadsConfig.EmbeddingDim}×{network.Config.HiddenSize} embedding head; it was tuned on other weights.");
        }

        if (BaseFingerprint != Of(network).BaseFingerprint)
        {
            throw new InvalidOperationException("This head was tuned on other weights (its base head's fingerprint differs): the base model was retrained since.");
        }
    }

    public byte[] ToSafeTensors()
    {
        using var stream = new MemoryStream();
        SafeTensorsWriter.Write(stream, [
            SafeTensorsEntry.FromFloats(WeightName, SafeTensorsDType.F32, [EmbeddingDim, HiddenSize], _weight),
            SafeTensorsEntry.FromFloats(BiasName, SafeTensorsDType.F32, [EmbeddingDim], _bias),
        ], new Dictionary<string, string> { [BaseKey] = BaseFingerprint });
        return stream.ToArray();
    }

    /// <summary>Reads a head written by <see cref="ToSafeTensors"/>; a damaged one fails with <see cref="SafeTensorsFormatException"/>.</summary>
    public static TunedHead FromSafeTensors(byte[] bytes)
    {
        var buffer = SafeTensorsBuffer.Parse(bytes);
        var weight = buffer.Info(WeightName);
        if (weight.Shape.Count != 2 || buffer.Info(BiasName).Shape.Count != 1)
        {
            throw new SafeTensorsFormatException($"A tuned head holds a 2-d '{WeightName}' and a 1-d '{BiasName}'.");
        }

        return new TunedHead((int)weight.Shape[0], (int)weight.Shape[1], buffer.ReadFloats(WeightName), buffer.ReadFloats(BiasName),
            buffer.Header.Metadata.GetValueOrDefault(BaseKey, string.Empty));
    }

    private static string Fingerprint(float[] weight, float[] bias)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weight.AsSpan()));
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(bias.AsSpan()));
        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
