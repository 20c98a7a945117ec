using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace ClawGroups.Inference.Hosting;

/// <summary>
/// How many threads libtorch's operations started from the calling thread may use, set for that thread alone. A forward pass
/// over one or a few texts is too small to share: on two cores, waking OpenMP's workers for each of its hundreds of small
/// operations and putting them back to sleep cost more than the arithmetic (docs/PERFORMANCE.md, "The writer's turns, the
/// window's pass and a steady feed"), and held both cores while agents' requests waited for one.
/// <para>
/// <c>torch.set_num_threads</c> is the wrong lever here: besides the calling thread's OpenMP setting it stores a process-wide
/// default that threads new to libtorch start from, and rebuilds libtorch's shared <c>pthreadpool</c> each time the count
/// changes. OpenMP's own <c>omp_set_num_threads</c> reaches only the caller (GNU OpenMP keeps the setting per thread), so two
/// encoders' turns on two threads cannot set it under each other; MKL's matrix products inside libtorch follow it (measured:
/// a 512 × 512 product used 1.0 core's time per second of wall clock with it at 1, 2.0 at 2). It is taken from the OpenMP
/// libtorch itself loaded (shipped beside it under a hashed name); where none is found (not Linux, another OpenMP) nothing is
/// changed and the work runs as before.
/// </para>
/// </summary>
public static class IntraOpThreads
{
    /// <summary>True when the calling thread's thread count can be set (libtorch loaded with GNU OpenMP on Linux).</summary>
    public static bool IsAvailable => Functions.Value is not null;

    /// <summary>
    /// Runs <paramref name="work"/> with libtorch limited to <paramref name="threads"/> threads on the calling thread, then puts
    /// the thread's own setting back. Call after libtorch is loaded (after the first tensor), or the libraries are not found.
    /// </summary>
    public static void Run(int threads, Action work)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentNullException.ThrowIfNull(work);
        if (Functions.Value is not { } native)
        {
            work();
            return;
        }

        var before = native.GetMaxThreads();
        native.SetThreads(threads);
        try
        {
            work();
        }
        finally
        {
            native.SetThreads(before);
        }
    }

    /// <summary>
    /// Runs two pieces of inference work at once: <paramref name="first"/> on the calling thread with half of
    /// <paramref name="threads"/>, <paramref name="second"/> on a kept thread (<see cref="ArenaThread"/>) with the rest, both
    /// without gradients. Returns when both are done, whatever either did, so that neither is left running on tensors its
    /// caller is about to free; a failure of either is thrown as it was. On two cores two streams of small operations, each
    /// on a core, kept the cores busier than every operation split over both (docs/PERFORMANCE.md, "Fewer bytes an agent
    /// call; the MoE's experts side by side" and "A batch's texts in two halves side by side").
    /// </summary>
    public static void SideBySide(int threads, Action first, Action second) => SideBySide(threads, first, second, IdleSideThreads);

    /// <summary>As <see cref="SideBySide(int, Action, Action)"/>, the second half on one of <paramref name="idleThreads"/> (or a new one, kept there after).</summary>
    internal static void SideBySide(int threads, Action first, Action second, ConcurrentBag<ArenaThread> idleThreads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 2);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        // A thread kept from an earlier call, so that the second half's activations come from an arena it reuses.
        var side = idleThreads.TryTake(out var idle) ? idle : new ArenaThread("Claw side by side");
        var other = side.Start(() =>
        {
            // Gradient mode is libtorch's per thread: the caller's no_grad does not reach this one.
            using var noGrad = TorchSharp.torch.no_grad();
            Run(threads - (threads / 2), second);
        });
        ExceptionDispatchInfo? firstFailure = null;
        try
        {
            using var noGrad = TorchSharp.torch.no_grad();
            Run(threads / 2, first);
        }
        catch (Exception e)
        {
            firstFailure = ExceptionDispatchInfo.Capture(e);
        }

        // Waited for even when the first failed; then the first's failure is the one thrown, and the second's, if it failed
        // too, is dropped: both halves ran the same forward pass, so it is most likely the same failure.
        try
        {
            other.GetAwaiter().GetResult();
        }
        catch (Exception) when (firstFailure is not null)
        {
        }
        finally
        {
            idleThreads.Add(side);
        }

        firstFailure?.Throw();
    }

    /// <summary>
    /// Threads that ran a second half and wait for the next: as many as calls have ever run at once, never ended (on two
    /// cores, one for a server whose encoder takes turns; with more cores a half splits again, and its calls keep more). A
    /// thread started for each call instead likely took a new arena from glibc nearly every time, and the preloaded swarm's
    /// server held ~440 MB more (decision 0044).
    /// </summary>
    private static readonly ConcurrentBag<ArenaThread> IdleSideThreads = [];

    /// <summary>The threads libtorch's operations started from the calling thread may use now; null where that cannot be read.</summary>
    public static int? OfThisThread => Functions.Value?.GetMaxThreads();

    private static readonly Lazy<Native?> Functions = new(Resolve, LazyThreadSafetyMode.ExecutionAndPublication);

    private static Native? Resolve()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var mapped = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].StartsWith('/'))
            .Select(fields => fields[5])
            .Distinct()
            .ToList();
        var torch = mapped.FirstOrDefault(path => Path.GetFileName(path) == "libtorch_cpu.so");
        if (torch is null)
        {
            return null;
        }

        // Prefer the OpenMP beside libtorch: a second copy (the system's) would keep settings libtorch never reads.
        var openMp = mapped.Where(path => Path.GetFileName(path).StartsWith("libgomp", StringComparison.Ordinal))
            .OrderByDescending(path => Path.GetDirectoryName(path) == Path.GetDirectoryName(torch))
            .FirstOrDefault();
        if (openMp is null
            || !NativeLibrary.TryLoad(openMp, out var openMpHandle)
            || !NativeLibrary.TryGetExport(openMpHandle, "omp_set_num_threads", out var set)
            || !NativeLibrary.TryGetExport(openMpHandle, "omp_get_max_threads", out var get))
        {
            return null;
        }

        return new Native(Marshal.GetDelegateForFunctionPointer<IntToVoid>(set), Marshal.GetDelegateForFunctionPointer<VoidToInt>(get));
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void IntToVoid(int value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int VoidToInt();

    private sealed record Native(IntToVoid SetThreads, VoidToInt GetMaxThreads);
}
