using ClawGroups.Benchmarks;

// dotnet run -c Release --project tests/ClawGroups.Benchmarks -- assignment [--small]
if (args.Length > 0 && args[0] == "assignment")
{
    return AssignmentBenchmark.Run(Console.Out, small: args.Contains("--small"));
}

if (args.Length > 0 && args[0] == "assignment-db")
{
    return await AssignmentPassBenchmark.RunAsync(Console.Out, small: args.Contains("--small"));
}

Console.Error.WriteLine("usage: ClawGroups.Benchmarks assignment|assignment-db [--small]");
Console.Error.WriteLine("  assignment     candidate scoring, greedy and optimal solve at 300 × 4,000 and 3,000 × 40,000");
Console.Error.WriteLine("  assignment-db  one whole assignment pass against a throwaway PostgreSQL, greedy and optimal, 300 × 4,000");
return 2;
