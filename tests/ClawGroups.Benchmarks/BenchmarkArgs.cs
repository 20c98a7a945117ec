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

    public static double NumberOption(IReadOnlyList<string> args, string name, double fallback, double minimum, double maximum)
    {
        var given = Options(args, name).LastOrDefault();
        if (given is null)
            return fallback;
        return double.TryParse(given, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum
            ? value
            : throw new ArgumentException($"{name} '{given}' must be a number from {minimum} to {maximum}.");
    }

    /// <summary>
    /// The setting that keeps the hourly skill feedback out of a short run: it tunes the model for seconds of CPU at the
    /// top of the hour, so whichever run crossed the hour paid for it and compared badly with its neighbours (a swarm run at
    /// 01:00 UTC spent 23 % of its profiled CPU tuning). February 31st never comes; <c>--app</c> puts the hour back.
    /// </summary>
    public static KeyValuePair<string, string> FeedbackNever { get; } = new("ClawGroups__Coordinator__FeedbackCron", "0 0 31 2 *");

    /// <summary>
    /// Each <c>--app Name=Value</c> (an environment name, <c>ClawGroups__Coordinator__SweepIntervalSeconds=2</c>) over the
    /// app settings the benchmark chose: a run can try a setting without a rebuild.
    /// </summary>
    public static void AddAppSettings(IReadOnlyList<string> args, IDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var setting in Options(args, "--app"))
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                throw new ArgumentException($"--app '{setting}' must read Name=Value.");
            settings[setting[..equals]] = setting[(equals + 1)..];
        }
    }
}
