using System.Collections.Concurrent;
using System.Diagnostics;

namespace ClawGroups.Interop.Tests;

/// <summary>
/// A Node script in progress: its output lines as they come (a server script announces its address on the first line),
/// and a stop that kills it if it is still running.
/// </summary>
public sealed class RunningNodeScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _script;
    private readonly BlockingCollection<string> _lines = new();
    private readonly ConcurrentQueue<string> _all = new();
    private readonly Task _stdout;
    private readonly Task<string> _stderr;

    internal RunningNodeScript(Process process, string script)
    {
        _process = process;
        _script = script;
        _stdout = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                _all.Enqueue(line);
                _lines.Add(line);
            }

            _lines.CompleteAdding();
        });
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Every line printed so far.</summary>
    public IReadOnlyCollection<string> Lines => _all;

    /// <summary>The next line the script prints, or an error with its standard error if it ends or stays silent first.</summary>
    public async Task<string> NextLineAsync(TimeSpan timeout)
    {
        var line = await Task.Run(() => _lines.TryTake(out var next, timeout) ? next : null);
        if (line is not null)
            return line;
        var errors = _process.HasExited ? await _stderr : "(still running)";
        throw new InvalidOperationException($"node {_script} printed no line within {timeout.TotalSeconds:0} s; stderr:\n{errors}");
    }

    /// <summary>Waits for the script to end by itself (killed after <paramref name="timeout"/>) and returns what it printed.</summary>
    public async Task<NodeRun> WaitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            await _stdout;
            return new NodeRun(-1, [.. _all], $"killed after {timeout.TotalSeconds:0} s\n{await _stderr}");
        }

        await _stdout;
        return new NodeRun(_process.ExitCode, [.. _all], await _stderr);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        await Task.WhenAny(_stdout, Task.Delay(TimeSpan.FromSeconds(5)));
        _process.Dispose();
        _lines.Dispose();
    }
}
