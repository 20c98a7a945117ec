using TorchSharp;

namespace ClawGroups.Inference;

/// <summary>Loads libtorch through TorchSharp and reports what it found.</summary>
public static class TorchRuntime
{
    /// <summary>Runs one tensor operation, which forces the native libraries to load, and describes them.</summary>
    public static string Describe()
    {
        using var scope = torch.NewDisposeScope();
        var sum = Arithmetic.Range(5, 1, torch.float32).Times(2).sum().item<float>();
        return $"TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch {torch.__version__}, " +
               $"cuda available: {torch.cuda.is_available()}, check 2*(1+2+3+4) = {sum}";
    }
}
