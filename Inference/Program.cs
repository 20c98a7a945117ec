using ClawGroups.Inference;

// The Inference command line: `dotnet run --project Inference -c Release -- <command>`.
return await InferenceCommandLine.RunAsync(args, Console.Out, CancellationToken.None);
