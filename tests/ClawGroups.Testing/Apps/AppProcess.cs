using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ClawGroups.Testing.Apps;

/// <summary>
/// The web app as its own process, the way a user starts it (<c>dotnet ClawGroups.Web.dll</c> from Web's build output,
/// its own appsettings), on a loopback port: what is measured or broken is the server seen from outside, its memory is
/// its own, and it can be killed like a real server (<see cref="KillAsync"/>). Warnings and errors it logs are kept.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private const int RecentLinesKept = 400;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly ConcurrentQueue<string> _recent = new();
    private readonly string _dataDirectory;
    private readonly StreamWriter? _log;
    private readonly Lock _logLock = new();
    private readonly Task[] _readers;
    private int _warnings;
    private int _errors;

    private AppProcess(Process process, Uri url, string dataDirectory, string? logPath)
    {
        _process = process;
        _log = logPath is null ? null : new StreamWriter(logPath, append: true) { AutoFlush = true };
        Url = url;
        _dataDirectory = dataDirectory;
        _readers = [ReadAsync(process.StandardOutput), ReadAsync(process.StandardError)];
    }

    public Uri Url { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit status once exited: 137 (128 + 9) after <see cref="KillAsync"/>.</summary>
    public int ExitCode => _process.ExitCode;

    public int Warnings => _warnings;

    public int Errors => _errors;

    /// <summary>The first lines of each warning or error the app logged (at most 20 kept).</summary>
    public IReadOnlyCollection<string> Problems => _problems;

    /// <summary>The last lines the app printed, for a failure message.</summary>
    public IReadOnlyCollection<string> RecentOutput => _recent;

    /// <summary>
    /// Starts Web's build output (building it first when <see cref="AppProcessOptions.Build"/>) and waits until /health
    /// answers 200. Without a <c>ConnectionStrings__ClawGroups</c> setting the app gets a SQLite file in a temporary folder
    /// that is removed with this object.
    /// </summary>
    public static async Task<AppProcess> StartAsync(AppProcessOptions options, TextWriter? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var root = Repository.Root();
        if (options.Build)
        {
            progress?.WriteLine($"building Web ({options.Configuration})…");
            await RunToEndAsync("dotnet", ["build", Path.Combine(root, "Web"), "-c", options.Configuration, "-v", "q", "-nologo"], TimeSpan.FromMinutes(10));
        }

        var output = Path.Combine(root, "Web", "bin", options.Configuration, "net10.0");
        var dataDirectory = Directory.CreateTempSubdirectory("claw-app-").FullName;
        if (options.Publish)
        {
            // Into the data folder, so that it goes with it.
            progress?.WriteLine($"publishing Web ({options.Configuration})…");
            output = Path.Combine(dataDirectory, "published");
            await RunToEndAsync("dotnet", ["publish", Path.Combine(root, "Web"), "-c", options.Configuration, "-o", output, "-v", "q", "-nologo", .. options.PublishArguments], TimeSpan.FromMinutes(10));
        }

        var dll = Path.Combine(output, "ClawGroups.Web.dll");
        if (!File.Exists(dll))
            throw new InvalidOperationException($"{dll} is not built: build Web ({options.Configuration}) first.");

        var url = new Uri($"http://127.0.0.1:{(options.Port == 0 ? FreePort() : options.Port)}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = output,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_URLS"] = url.AbsoluteUri;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__ClawGroups"] = $"Data Source={Path.Combine(dataDirectory, "clawgroups.db")}";
        foreach (var (name, value) in options.Settings)
            start.Environment[name] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the web app.");
        var app = new AppProcess(process, url, dataDirectory, options.LogPath);
        try
        {
            await app.WaitHealthyAsync(options.StartTimeout);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    /// <summary>
    /// Ends the server the way a power cut or the OOM killer does: SIGKILL to the server's process (what
    /// <see cref="Process.Kill()"/> sends on Unix), no shutdown hooks, requests in flight cut off. Returns once it is gone.
    /// </summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
            _process.Kill();
        await _process.WaitForExitAsync();
        // The pipes close with the process: take in its last lines before anyone reads them.
        await Task.WhenAll(_readers);
    }

    /// <summary>
    /// Stops the server as a service manager does: SIGTERM, then the host's graceful shutdown (requests in flight are
    /// answered). True when it exited within <paramref name="timeout"/>; false when it had to be killed.
    /// </summary>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using var signal = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
                ?? throw new InvalidOperationException("Could not run kill.");
            await signal.WaitForExitAsync();
        }

        using var waiting = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(waiting.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            return false;
        }

        await Task.WhenAll(_readers);
        return true;
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

    private Task WaitHealthyAsync(TimeSpan timeout) => HealthWait.UntilHealthyAsync(Url, timeout, async () =>
    {
        if (_process.HasExited)
        {
            await Task.WhenAll(_readers);
            throw new InvalidOperationException(
                $"The web app exited with {_process.ExitCode} before it was healthy:\n{string.Join('\n', _recent.TakeLast(40))}");
        }
    }, () => string.Join('\n', _recent.TakeLast(40)));

    // The console logger writes "warn: Category[id]" / "fail: …" / "crit: …" on the first line of an entry.
    private async Task ReadAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            Remember(line);
            var warning = line.StartsWith("warn:", StringComparison.Ordinal);
            var error = line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal);
            if (warning)
                Interlocked.Increment(ref _warnings);
            if (error)
                Interlocked.Increment(ref _errors);
            if (warning || error)
            {
                var next = await reader.ReadLineAsync();
                if (next is not null)
                    Remember(next);
                if (_problems.Count < 20)
                    _problems.Enqueue($"{line} {next?.Trim()}");
            }
        }
    }

    private void Remember(string line)
    {
        lock (_logLock)
            _log?.WriteLine(line);
        _recent.Enqueue(line);
        while (_recent.Count > RecentLinesKept)
            _recent.TryDequeue(out _);
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


    /// <summary>A loopback port nobody listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
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
