using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClawGroups.Inference.Hosting;

/// <summary>
/// Hands the native heap's free pages back to the system every few seconds (glibc's <c>malloc_trim</c>). libtorch allocates
/// and frees the encoder's activations on whichever thread runs it, and glibc keeps what a thread's arena freed for that
/// arena's next use rather than returning it: in the swarm benchmark 16 arenas held 690–775 MB of which 390–470 MB was in
/// use, and one <c>malloc_trim(0)</c> took the server's RSS from 1,418 to 1,232 MB (docs/PERFORMANCE.md, "Where the RSS is").
/// <c>MALLOC_ARENA_MAX</c> cannot be set from inside: glibc fixes its arena limit once the process has more than 8 arenas,
/// which the runtime's own threads pass before the app's first line runs.
/// </summary>
public sealed partial class NativeMemoryTrim(IOptions<InferenceOptions> options, TimeProvider time, ILogger<NativeMemoryTrim> logger) : BackgroundService
{
    /// <summary>Trims once; true when glibc returned memory. False elsewhere than glibc on Linux, where there is nothing to ask.</summary>
    public static bool TrimNow() => IsGlibc.Value && Trim(0) == 1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = options.Value.NativeTrimSeconds;
        if (seconds == 0 || !IsGlibc.Value)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                TrimNow();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogDebug("Native memory trimming stopped with the host.");
        }
    }

    /// <summary>glibc answers <c>gnu_get_libc_version</c>; other C libraries (musl on Alpine) have neither it nor <c>malloc_trim</c>.</summary>
    private static readonly Lazy<bool> IsGlibc = new(() =>
        OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out var libc) && NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _));

    [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static partial int Trim(nuint pad);
}
