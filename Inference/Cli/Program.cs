namespace ClawGroups.Inference;

/// <summary>
/// The model's command line: <c>dotnet run --project Inference/Cli -c Release -- &lt;command&gt;</c>. An explicit class
/// rather than top-level statements, so that its entry point is not a second <c>Program</c> for the projects that
/// reference it (the teacher's program reads its options).
/// </summary>
internal static class InferenceProgram
{
    public static Task<int> Main(string[] args) => InferenceCommandLine.RunAsync(args, Console.Out, CancellationToken.None);
}
