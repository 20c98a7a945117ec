using System.Runtime.InteropServices;

namespace ClawGroups.Inference.Hosting;

/// <summary>
/// Lets libtorch's OpenMP workers sleep between parallel regions in the server. By default they spin, waiting for the next
/// region: right for a program that does nothing but tensor work, wrong in a web server where the same cores answer
/// agents. In the swarm benchmark the spinning took ~0.4 of the 2 cores, and item creation (which reads each item with
/// the model) ran twice as fast without it. An <c>OMP_WAIT_POLICY</c> set by the operator is left as it is.
/// </summary>
public static partial class OpenMpWaitPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";

    /// <summary>
    /// Sets <c>OMP_WAIT_POLICY=PASSIVE</c> in the process's native environment, where OpenMP reads it when libtorch is first
    /// loaded (.NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not reach it on Unix). Call before
    /// the first tensor; true when it was set here. Linux only: elsewhere the operator sets it.
    /// </summary>
    public static bool PreferPassive()
    {
        if (!OperatingSystem.IsLinux() || GetEnvironment(Variable) != IntPtr.Zero)
        {
            return false;
        }

        return SetEnvironment(Variable, "PASSIVE", overwrite: 0) == 0;
    }

    /// <summary>The policy in the native environment (what OpenMP will read), or null when none is set or not on Linux.</summary>
    public static string? Current() =>
        OperatingSystem.IsLinux() && GetEnvironment(Variable) is var value && value != IntPtr.Zero ? Marshal.PtrToStringUTF8(value) : null;

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetEnvironment(string name);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);
}
