using System.Text;
using ClawGroups.Build.TorchSharpNativeFix;

namespace ClawGroups.Inference.Tests;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void Patched_library_loads_and_runs_a_tensor_operation()
    {
        var description = TorchRuntime.Describe();

        Assert.Contains("libtorch 2.", description, StringComparison.Ordinal);
        Assert.EndsWith("check 2*(1+2+3+4) = 20", description, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_patches_the_output_library_only_where_libstdcxx_is_too_old()
    {
        var library = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", GlibcxxVersionPatch.LibraryFileName);

        var expected = SystemLibstdcxxNames(GlibcxxVersionPatch.RequiredVersion)
            ? GlibcxxVersionPatch.OriginalSha256
            : GlibcxxVersionPatch.PatchedSha256;

        Assert.Equal(expected, GlibcxxVersionPatch.Sha256(library));
    }

    private static bool SystemLibstdcxxNames(string version)
    {
        string[] directories = ["/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib"];
        var libstdcxx = directories.Select(d => Path.Combine(d, GlibcxxVersionPatch.Libstdcxx)).First(File.Exists);
        return File.ReadAllBytes(libstdcxx).AsSpan().IndexOf(Encoding.ASCII.GetBytes(version + "\0")) >= 0;
    }
}
