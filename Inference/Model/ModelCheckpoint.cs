using ClawGroups.Inference.SafeTensors;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Model;

/// <summary>What a checkpoint load matched: state names the files lacked, and file tensors the model has no place for.</summary>
public sealed record CheckpointLoadReport(IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected, int Loaded)
{
    public bool IsExact => Missing.Count == 0 && Unexpected.Count == 0;

    public string Describe() =>
        $"loaded {Loaded} tensors; missing {Missing.Count}{List(Missing)}; unexpected {Unexpected.Count}{List(Unexpected)}";

    private static string List(IReadOnlyList<string> names) =>
        names.Count == 0 ? string.Empty : $" ({string.Join(", ", names.Take(20))}{(names.Count > 20 ? ", …" : string.Empty)})";
}

/// <summary>
/// Loads and saves any module's state (parameters and persistent buffers) as safetensors. The module's state
/// names are the checkpoint's tensor names, so loading is a straight name-to-name copy.
/// </summary>
public static class ModelCheckpoint
{
    /// <summary>
    /// Copies every matching tensor into <paramref name="module"/>, converting dtype and device. A path may be a
    /// file or a directory of <c>*.safetensors</c> shards. Shapes must match; with <paramref name="strict"/>
    /// names must match too.
    /// </summary>
    public static CheckpointLoadReport Load(nn.Module module, IEnumerable<string> paths, bool strict)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(paths);
        var targets = module.state_dict();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        var files = paths.SelectMany(ExpandShards).ToList();
        if (files.Count == 0)
        {
            throw new FileNotFoundException("No safetensors files were given or found.");
        }

        using var noGrad = no_grad();
        foreach (var path in files)
        {
            using var file = SafeTensorsFile.Open(path);
            foreach (var info in file.Tensors)
            {
                if (!targets.TryGetValue(info.Name, out var target))
                {
                    unexpected.Add(info.Name);
                    continue;
                }

                if (!seen.Add(info.Name))
                {
                    throw new InvalidDataException($"Tensor '{info.Name}' appears in more than one checkpoint file ('{path}').");
                }

                if (!info.Shape.SequenceEqual(target.shape))
                {
                    throw new InvalidDataException(
                        $"Tensor '{info.Name}' in '{path}' has shape {info.ShapeText}, the model expects [{string.Join(", ", target.shape)}].");
                }

                using var scope = NewDisposeScope();
                target.copy_(file.ReadTensor(info).to(target.dtype));
            }
        }

        // Weights copied in place leave any packed copy stale.
        foreach (var moe in module.modules().OfType<MoeLayer>())
        {
            moe.ForgetPackedWeights();
        }

        var missing = targets.Keys.Where(name => !seen.Contains(name)).ToList();
        var report = new CheckpointLoadReport(missing, unexpected, seen.Count);
        if (strict && !report.IsExact)
        {
            throw new InvalidDataException($"The checkpoint does not match the model: {report.Describe()}.");
        }

        return report;
    }

    /// <summary>Writes the module's whole state to one file, in state order.</summary>
    public static void Save(
        nn.Module module,
        string path,
        SafeTensorsDType dtype = SafeTensorsDType.F32,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        TorchSafeTensors.Save(path, module.state_dict().Select(entry => (entry.Key, entry.Value)), dtype, metadata);
    }

    private static IEnumerable<string> ExpandShards(string path)
    {
        if (Directory.Exists(path))
        {
            return Directory.EnumerateFiles(path, "*.safetensors").Order(StringComparer.Ordinal);
        }

        return File.Exists(path) ? [path] : throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
    }
}
