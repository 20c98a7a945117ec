using ClawGroups.Benchmarks;

// dotnet run -c Release --project tests/ClawGroups.Benchmarks -- assignment [--small]
if (args.Length > 0 && args[0] == "assignment")
{
    return AssignmentBenchmark.Run(Console.Out, small: args.Contains("--small"));
}

Console.Error.WriteLine("usage: ClawGroups.Benchmarks assignment [--small]");
Console.Error.WriteLine("  assignment  candidate scoring, greedy and optimal solve at 300 × 4,000 and 3,000 × 40,000");
return 2;
