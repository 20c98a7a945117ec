using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ClawGroups.Testing.Apps;

namespace ClawGroups.Browser.Tests.Production;

/// <summary>
/// A shell running a recipe whose last command is the server, as a person's terminal would: everything it prints is
/// kept, to show when a test fails, and disposing it ends the shell with every process it started.
/// </summary>
public sealed partial class RecipeServer : IAsyncDisposable
{
    private readonly Process _shell;
    private readonly List<string> _output = [];
    private readonly Lock _outputLock = new();

    private RecipeServer(Process shell, Uri url)
    {
        _shell = shell;
        Url = url;
    }

    /// <summary>Where the server was asked to listen (<c>ASPNETCORE_URLS</c>, which the recipe leaves to the operator).</summary>
    public Uri Url { get; }

    /// <summary>All that the shell and the server have printed so far, standard output and error interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>Runs <paramref name="script"/> with bash in <paramref name="workingDirectory"/>, stopping at the first command that fails.</summary>
    public static RecipeServer Start(string script, string workingDirectory, Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        // A person's shell: the test host's own environment name must not decide the app's.
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment["ASPNETCORE_URLS"] = url.AbsoluteUri;
        // Build tools only: a build inside the recipe must leave no node or compiler server running after the test.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";

        var shell = Process.Start(start) ?? throw new InvalidOperationException("Could not start bash.");
        var server = new RecipeServer(shell, url);
        shell.OutputDataReceived += (_, line) => server.Keep(line.Data);
        shell.ErrorDataReceived += (_, line) => server.Keep(line.Data);
        shell.BeginOutputReadLine();
        shell.BeginErrorReadLine();
        return server;
    }

    /// <summary>
    /// Waits until the host has started and returns the environment it says it runs in (ASP.NET Core's lifetime
    /// messages, which it logs in every environment).
    /// </summary>
    public async Task<string> WaitForStartAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (HostingEnvironment().Match(Output) is { Success: true } environment)
            {
                return environment.Groups["name"].Value;
            }

            ThrowIfExited();
            await Task.Delay(250);
        }

        throw new TimeoutException($"The server did not start within {timeout}.");
    }

    /// <summary>Waits until <c>GET /health</c> answers 200.</summary>
    public Task WaitHealthyAsync(TimeSpan timeout) => HealthWait.UntilHealthyAsync(Url, timeout, () =>
    {
        ThrowIfExited();
        return Task.CompletedTask;
    }, () => Output);

    /// <summary>A free port on the loopback interface, for <see cref="Start"/>'s URL.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_shell.HasExited)
        {
            _shell.Kill(entireProcessTree: true);
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _shell.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            // Something it started still holds its output open; the process itself is gone.
        }

        _shell.Dispose();
    }

    private void ThrowIfExited()
    {
        if (_shell.HasExited)
        {
            throw new InvalidOperationException($"The recipe's shell exited with {_shell.ExitCode} before the server was up.");
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _output.Add(line);
        }
    }

    [GeneratedRegex(@"Hosting environment: (?<name>\S+)")]
    private static partial Regex HostingEnvironment();
}
