using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using ClawGroups.Inference.Model;
using ClawGroups.Inference.SafeTensors;
using ClawGroups.Inference.Tests.SafeTensors;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Tests.Model;

public sealed class CheckpointTests : IDisposable
{
    private readonly HandWrittenSafeTensors _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_checkpoint_from_another_writer_with_the_hugging_face_names_loads_and_runs()
    {
        var path = WriteHuggingFaceStyleCheckpoint(_files.PathFor("hf.safetensors"), includeLmHead: false);
        using var model = new DeepseekV3Model(TinyConfig.Create());
        model.eval();

        var report = model.LoadSafetensors(path);

        using var scope = NewDisposeScope();
        Assert.True(report.IsExact, report.Describe());
        Assert.Equal(ExpectedValue("model.embed_tokens.weight", 5 * 32 + 3), model.state_dict()["model.embed_tokens.weight"][5, 3].item<float>());
        var hidden = model.forward(randint(0, 64, [2, 6], dtype: int64), null);
        Assert.True(hidden.isfinite().all().item<bool>());
    }

    [Fact]
    public void Save_then_load_reproduces_identical_outputs()
    {
        var path = _files.PathFor("saved.safetensors");
        using var original = new DeepseekV3Model(TinyConfig.Create(), withLmHead: true);
        using var restored = new DeepseekV3Model(TinyConfig.Create(), withLmHead: true);
        original.eval();
        restored.eval();
        using (no_grad())
        {
            original.Routers[0].ScoreCorrectionBias.copy_(linspace(-0.5, 0.5, 8));
        }

        original.SaveSafetensors(path);
        restored.LoadSafetensors(path);

        using var scope = NewDisposeScope();
        var ids = randint(0, 64, [2, 9], dtype: int64);
        Assert.True(original.forward(ids, null).equal(restored.forward(ids, null)).all().item<bool>());
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Theory]
    [InlineData(SafeTensorsDType.BF16)]
    [InlineData(SafeTensorsDType.F16)]
    public void Half_precision_checkpoints_load_as_float32(SafeTensorsDType dtype)
    {
        var path = _files.PathFor($"{dtype}.safetensors");
        using var original = new DeepseekV3Model(TinyConfig.Create());
        using var restored = new DeepseekV3Model(TinyConfig.Create());

        original.SaveSafetensors(path, dtype);
        restored.LoadSafetensors(path);

        using var scope = NewDisposeScope();
        var before = original.state_dict()["model.layers.1.mlp.experts.3.up_proj.weight"];
        var after = restored.state_dict()["model.layers.1.mlp.experts.3.up_proj.weight"];
        Assert.Equal(ScalarType.Float32, after.dtype);
        Assert.True(after.equal(before.to(dtype.ToScalarType()).to(float32)).all().item<bool>());
    }

    [Fact]
    public void Strict_loading_names_the_missing_and_unexpected_tensors()
    {
        var path = WriteHuggingFaceStyleCheckpoint(_files.PathFor("with-head.safetensors"), includeLmHead: true, skip: "model.norm.weight");
        using var model = new DeepseekV3Model(TinyConfig.Create());

        var error = Assert.Throws<InvalidDataException>(() => model.LoadSafetensors(path));
        var report = model.LoadSafetensors(path, strict: false);

        Assert.Contains("missing 1 (model.norm.weight)", error.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected 1 (lm_head.weight)", error.Message, StringComparison.Ordinal);
        Assert.Equal(["model.norm.weight"], report.Missing);
    }

    [Fact]
    public void A_tensor_of_the_wrong_shape_is_rejected_with_both_shapes()
    {
        var path = _files.PathFor("wrong-shape.safetensors");
        SafeTensorsWriter.WriteFile(path, [SafeTensorsEntry.FromFloats("model.norm.weight", SafeTensorsDType.F32, [16], new float[16])]);
        using var model = new DeepseekV3Model(TinyConfig.Create());

        var error = Assert.Throws<InvalidDataException>(() => model.LoadSafetensors(path, strict: false));

        Assert.Contains("'model.norm.weight'", error.Message, StringComparison.Ordinal);
        Assert.Contains("shape [16], the model expects [32]", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Writes every tensor of the checked-in name list, in reverse order and F32, with a header built by string
    /// concatenation — nothing from the model or our writer decides the names or the layout.
    /// </summary>
    private static string WriteHuggingFaceStyleCheckpoint(string path, bool includeLmHead, string? skip = null)
    {
        var entries = File.ReadAllLines(ParameterNamesTests.ExpectedListPath())
            .Where(line => line.Length > 0)
            .Select(line => (Name: line[..line.IndexOf(' ', StringComparison.Ordinal)], Shape: line[(line.IndexOf('[', StringComparison.Ordinal) + 1)..^1]))
            .Where(entry => (includeLmHead || entry.Name != "lm_head.weight") && entry.Name != skip)
            .Reverse()
            .ToList();

        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        using var data = new MemoryStream();
        foreach (var (name, shape) in entries)
        {
            var count = shape.Split(", ").Aggregate(1, (product, dimension) => product * int.Parse(dimension, CultureInfo.InvariantCulture));
            var begin = data.Length;
            var buffer = new byte[4];
            for (var i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(buffer, ExpectedValue(name, i));
                data.Write(buffer);
            }

            header.Append(CultureInfo.InvariantCulture, $",\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{shape}],\"data_offsets\":[{begin},{data.Length}]}}");
        }

        header.Append('}');
        File.WriteAllBytes(path, HandWrittenSafeTensors.Bytes(header.ToString(), data.ToArray()));
        return path;
    }

    /// <summary>Deterministic, small, name-dependent values; norms near one so activations stay tame.</summary>
    private static float ExpectedValue(string name, int index)
    {
        var wave = MathF.Sin((index * 12.9898f) + name.Length);
        return name.EndsWith("norm.weight", StringComparison.Ordinal) ? 1f + (0.1f * wave)
            : name.EndsWith("e_score_correction_bias", StringComparison.Ordinal) ? 0.01f * wave
            : 0.2f * wave;
    }
}
