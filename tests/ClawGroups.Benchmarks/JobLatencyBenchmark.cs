using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using Hangfire;
using Hangfire.PostgreSql;

namespace ClawGroups.Benchmarks;

/// <summary>
/// How long a job enqueued by one process waits before another process starts it, on PostgreSQL job storage:
/// Hangfire's default polling, one-second polling, and the LISTEN/NOTIFY long polling the coordinator uses. In one
/// process it is always fast, which hides the problem in single-process tests, so the worker here is a child process.
/// </summary>
internal static class JobLatencyBenchmark
{
    private const string Ready = "worker ready";
    private const string StartedPrefix = "started ";

    private static readonly (string Name, TimeSpan Poll, bool LongPolling, int Jobs)[] Configurations =
    [
        ("Hangfire default: poll every 15 s", TimeSpan.FromSeconds(15), false, 12),
        ("poll every 1 s", TimeSpan.FromSeconds(1), false, 30),
        ("LISTEN/NOTIFY + 1 s poll (the coordinator's setting)", TimeSpan.FromSeconds(1), true, 30),
    ];

    public static async Task<int> RunAsync(TextWriter output)
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        output.WriteLine("enqueue → start across processes (PostgreSQL job storage, one worker process, jobs 350 ms apart)");
        output.WriteLine("| storage setting | jobs | p50 ms | p95 ms | max ms | p50 × LISTEN/NOTIFY |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        var results = new List<(string Name, int Jobs, double P50, double P95, double Max)>();
        for (var index = 0; index < Configurations.Length; index++)
        {
            var (name, poll, longPolling, jobs) = Configurations[index];
            var latencies = await MeasureAsync(database.ConnectionString, $"hangfire_latency_{index}", poll, longPolling, jobs);
            results.Add((name, latencies.Count, Percentile(latencies, 0.5), Percentile(latencies, 0.95), latencies.Max()));
        }

        var baseline = results[^1].P50;
        foreach (var (name, jobs, p50, p95, max) in results)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {jobs} | {p50:F0} | {p95:F0} | {max:F0} | {p50 / baseline:F1} |"));
        }

        return 0;
    }

    /// <summary>The child process: a Hangfire server on the given storage settings that reports each job's start.</summary>
    public static int RunWorker(string connectionString, string schema, TimeSpan poll, bool longPolling)
    {
        GlobalConfiguration.Configuration.UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
        var storage = Storage(connectionString, schema, poll, longPolling);
        using var server = new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = 4, Queues = ["default"] }, storage);
        Console.WriteLine(Ready);
        // Runs until the parent closes our input: when it is done, or if it dies, so no worker is left behind.
        Console.In.ReadToEnd();
        return 0;
    }

    /// <summary>The job: prints when it started, in the machine's clock, which the parent shares.</summary>
    public static void Probe(Guid id)
        => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{StartedPrefix}{id} {DateTime.UtcNow.Ticks}"));

    private static async Task<List<double>> MeasureAsync(string connectionString, string schema, TimeSpan poll, bool longPolling, int jobs)
    {
        var storage = Storage(connectionString, schema, poll, longPolling);
        var started = new ConcurrentDictionary<Guid, long>();
        var ready = new TaskCompletionSource();
        using var worker = StartWorker(connectionString, schema, poll, longPolling, line =>
        {
            if (line == Ready)
            {
                ready.TrySetResult();
            }
            else if (line.StartsWith(StartedPrefix, StringComparison.Ordinal))
            {
                var parts = line[StartedPrefix.Length..].Split(' ');
                started[Guid.Parse(parts[0])] = long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        });
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
            // Let the server finish starting its fetchers before the first job.
            await Task.Delay(TimeSpan.FromSeconds(2));
            var client = new BackgroundJobClient(storage);
            var enqueued = new Dictionary<Guid, long>();
            for (var i = 0; i < jobs; i++)
            {
                var id = Guid.NewGuid();
                enqueued[id] = DateTime.UtcNow.Ticks;
                client.Enqueue(() => Probe(id));
                await Task.Delay(TimeSpan.FromMilliseconds(350));
            }

            var deadline = DateTime.UtcNow + poll + poll + TimeSpan.FromSeconds(10);
            while (started.Count < jobs && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            return enqueued.Where(e => started.ContainsKey(e.Key))
                .Select(e => TimeSpan.FromTicks(started[e.Key] - e.Value).TotalMilliseconds)
                .ToList();
        }
        finally
        {
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
        }
    }

    private static PostgreSqlStorage Storage(string connectionString, string schema, TimeSpan poll, bool longPolling)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = schema,
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = poll,
            EnableLongPolling = longPolling,
        };
        return new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(connectionString, options), options);
    }

    private static Process StartWorker(string connectionString, string schema, TimeSpan poll, bool longPolling, Action<string> onLine)
    {
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(JobLatencyBenchmark).Assembly.Location);
        }

        foreach (var argument in new[]
                 {
                     "job-latency-worker", connectionString, schema, poll.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
                     longPolling ? "long" : "poll",
                 })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                onLine(line);
            }
        };
        process.BeginOutputReadLine();
        return process;
    }

    private static double Percentile(List<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(fraction * sorted.Count))];
    }
}
