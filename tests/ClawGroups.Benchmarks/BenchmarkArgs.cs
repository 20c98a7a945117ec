using System.Globalization;

namespace ClawGroups.Benchmarks;

/// <summary>The benchmarks' command-line options: <c>--name value</c>, the last one given winning.</summary>
internal static class BenchmarkArgs
{
    public static IEnumerable<string> Options(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == name)
                yield return args[i + 1];
        }
    }

    public static int IntOption(IReadOnlyList<string> args, string name, int fallback, int minimum = 1)
    {
        var given = Options(args, name).LastOrDefault();
        if (given is null)
            return fallback;
        return int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new ArgumentException($"{name} '{given}' must be a whole number of at least {minimum}.");
    }
}
