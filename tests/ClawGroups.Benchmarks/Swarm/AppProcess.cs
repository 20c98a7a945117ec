using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ClawGroups.Benchmarks.Swarm;

/// <summary>
/// The web app as its own process, the way a user starts it (the Release build of <c>Web/</c>, its own appsettings),
/// on a free loopback port: so that what is measured is the server seen from outside, and its memory is its own.
/// Warnings and errors it logs are kept for the report.
/// </summary>
internal sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly string _dataDirectory;
    private readonly StreamWriter? _log;
    private readonly Lock _logLock = new();
    private int _warnings;
    private int _errors;

    private AppProcess(Process process, Uri url, string dataDirectory, string? logPath)
    {
        _process = process;
        _log = logPath is null ? null : new StreamWriter(logPath) { AutoFlush = true };
        Url = url;
        _dataDirectory = dataDirectory;
    }

    public Uri Url { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int Warnings => _warnings;

    public int Errors => _errors;

    /// <summary>The first lines of each warning or error the app logged (at most 20 kept).</summary>
    public IReadOnlyCollection<string> Problems => _problems;

    /// <summary>
    /// Builds Web in Release, starts it with <paramref name="settings"/> (environment names), waits for /health.
    /// Everything the app prints goes to <paramref name="logPath"/> when given.
    /// </summary>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string> settings, string? logPath, TextWriter log)
    {
        var root = RepositoryRoot();
        log.WriteLine("building Web (Release)…");
        await RunToEndAsync("dotnet", ["build", Path.Combine(root, "Web"), "-c", "Release", "-v", "q", "-nologo"], TimeSpan.FromMinutes(10));

        var output = Path.Combine(root, "Web", "bin", "Release", "net10.0");
        var dataDirectory = Directory.CreateTempSubdirectory("claw-swarm-").FullName;
        var url = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = output,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(output, "ClawGroups.Web.dll"));
        start.Environment["ASPNETCORE_URLS"] = url.AbsoluteUri;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__ClawGroups"] = $"Data Source={Path.Combine(dataDirectory, "clawgroups.db")}";
        foreach (var (name, value) in settings)
            start.Environment[name] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the web app.");
        var app = new AppProcess(process, url, dataDirectory, logPath);
        _ = app.ReadAsync(process.StandardOutput);
        _ = app.ReadAsync(process.StandardError);
        await app.WaitHealthyAsync(TimeSpan.FromMinutes(2));
        return app;
    }

    /// <summary>The process's resident memory now (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }

        throw new InvalidOperationException("No VmRSS line in /proc status.");
    }

    /// <summary>The process's CPU time so far (user + system).</summary>
    public TimeSpan ProcessorTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The web app exited with {_process.ExitCode}: {string.Join('\n', _problems)}");
            try
            {
                using var response = await http.GetAsync(new Uri("health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Starting.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The web app was not healthy within {timeout}.");
    }

    // The console logger writes "warn: Category[id]" / "fail: …" / "crit: …" on the first line of an entry.
    private async Task ReadAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_logLock)
                _log?.WriteLine(line);
            var warning = line.StartsWith("warn:", StringComparison.Ordinal);
            var error = line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal);
            if (warning)
                Interlocked.Increment(ref _warnings);
            if (error)
                Interlocked.Increment(ref _errors);
            if (warning || error)
            {
                var next = await reader.ReadLineAsync();
                if (_problems.Count < 20)
                    _problems.Enqueue($"{line} {next?.Trim()}");
            }
        }
    }

    private static async Task RunToEndAsync(string fileName, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancellation.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ClawGroups.sln")))
                return directory.FullName;
        }

        throw new InvalidOperationException("Run the benchmark from inside the repository: ClawGroups.sln not found above " + AppContext.BaseDirectory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        lock (_logLock)
            _log?.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temp clean-up.
        }
    }
}
