using TorchSharp;

namespace ClawGroups.Inference;

/// <summary>Dispatches the commands of the Inference program.</summary>
public static class InferenceCommandLine
{
    public static Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        cancellationToken.ThrowIfCancellationRequested();

        switch (args.FirstOrDefault())
        {
            case "info":
                output.WriteLine(TorchRuntime.Describe());
                return Task.FromResult(0);
            default:
                output.WriteLine("usage: ClawGroups.Inference <command>");
                output.WriteLine("  info    load TorchSharp and print the libtorch build and device in use");
                return Task.FromResult(args.Length == 0 ? 0 : 2);
        }
    }
}
