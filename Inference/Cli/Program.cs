namespace ClawGroups.Inference;

/// <summary>
/// The Inference command line: <c>dotnet run --project Inference -c Release -- &lt;command&gt;</c>. An explicit class
/// rather than top-level statements, so that this library's entry point is not a second <c>Program</c> for the
/// projects that reference it (the web app's is the one tests start).
/// </summary>
internal static class InferenceProgram
{
    public static Task<int> Main(string[] args) => InferenceCommandLine.RunAsync(args, Console.Out, CancellationToken.None);
}
