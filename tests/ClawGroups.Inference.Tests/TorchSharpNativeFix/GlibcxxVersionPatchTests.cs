using System.Runtime.InteropServices;
using System.Text;
using ClawGroups.Build.TorchSharpNativeFix;

namespace ClawGroups.Inference.Tests.TorchSharpNativeFix;

/// <summary>The build's ELF patch, run on copies of the real TorchSharp 0.107.0 libLibTorchSharp.so.</summary>
public sealed class GlibcxxVersionPatchTests : IDisposable
{
    private static readonly Lazy<byte[]> s_original = new(() => File.ReadAllBytes(FindOriginal()));

    private readonly string _directory = Directory.CreateTempSubdirectory("claw-native-fix-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Original_library_needs_GLIBCXX_3_4_32_strongly_for_one_symbol()
    {
        var site = GlibcxxVersionPatch.FindPatchSite(s_original.Value);

        Assert.Equal(0, site.VernauxFlags);
        Assert.Equal(site.VersionIndex, site.SymbolVersion);
        Assert.False(site.IsPatched);
    }

    [Fact]
    public void Patch_marks_the_version_weak_and_clears_the_symbols_version()
    {
        var library = WriteOriginal("libLibTorchSharp.so");

        var outcome = GlibcxxVersionPatch.Apply(library);

        var site = GlibcxxVersionPatch.FindPatchSite(File.ReadAllBytes(library));
        Assert.Equal(GlibcxxPatchOutcome.Patched, outcome);
        Assert.Equal(GlibcxxVersionPatch.VerFlagWeak, site.VernauxFlags);
        Assert.Equal(GlibcxxVersionPatch.VersionGlobal, site.SymbolVersion);
        Assert.Equal(GlibcxxVersionPatch.PatchedSha256, GlibcxxVersionPatch.Sha256(library));
    }

    [Fact]
    public void Patch_changes_only_the_vernaux_flags_and_the_symbols_versym_entry()
    {
        var library = WriteOriginal("libLibTorchSharp.so");
        var site = GlibcxxVersionPatch.FindPatchSite(s_original.Value);

        GlibcxxVersionPatch.Apply(library);

        var patched = File.ReadAllBytes(library);
        var changed = Enumerable.Range(0, patched.Length).Where(i => patched[i] != s_original.Value[i]).Select(i => (long)i);
        Assert.Equal(s_original.Value.Length, patched.Length);
        Assert.Equal(new[] { site.VernauxFlagsOffset, site.VersymOffset }.Order(), changed);
    }

    [Fact]
    public void Second_patch_is_a_no_op()
    {
        var library = WriteOriginal("libLibTorchSharp.so");
        GlibcxxVersionPatch.Apply(library);
        var once = File.ReadAllBytes(library);

        var outcome = GlibcxxVersionPatch.Apply(library);

        Assert.Equal(GlibcxxPatchOutcome.AlreadyPatched, outcome);
        Assert.Equal(once, File.ReadAllBytes(library));
        Assert.Equal([library], Directory.GetFiles(_directory));
    }

    [Fact]
    public void File_with_a_different_hash_is_refused_and_left_untouched()
    {
        var bytes = (byte[])s_original.Value.Clone();
        bytes[^1] ^= 0xff;
        var library = Path.Combine(_directory, "libLibTorchSharp.so");
        File.WriteAllBytes(library, bytes);

        var outcome = GlibcxxVersionPatch.Apply(library);

        Assert.Equal(GlibcxxPatchOutcome.UnknownFile, outcome);
        Assert.Equal(bytes, File.ReadAllBytes(library));
    }

    [Fact]
    public void Hard_linked_original_is_left_byte_identical()
    {
        // As in bin/ with CreateHardLinksForCopyLocalIfPossible: the output file is the NuGet cache's file.
        var cached = WriteOriginal("cached-libLibTorchSharp.so");
        var output = Path.Combine(_directory, "libLibTorchSharp.so");
        Assert.Equal(0, HardLink(cached, output));

        var outcome = GlibcxxVersionPatch.Apply(output);

        Assert.Equal(GlibcxxPatchOutcome.Patched, outcome);
        Assert.Equal(s_original.Value, File.ReadAllBytes(cached));
        Assert.Equal(GlibcxxVersionPatch.PatchedSha256, GlibcxxVersionPatch.Sha256(output));
    }

    [Fact]
    public void Truncated_library_gets_a_clear_error()
    {
        var truncated = s_original.Value[..(s_original.Value.Length / 2)];

        var error = Assert.Throws<InvalidDataException>(() => GlibcxxVersionPatch.FindPatchSite(truncated));

        Assert.Contains("past the end of the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_that_is_not_elf_gets_a_clear_error()
    {
        var text = Encoding.ASCII.GetBytes(new string('x', 4096));

        var error = Assert.Throws<InvalidDataException>(() => GlibcxxVersionPatch.FindPatchSite(text));

        Assert.Equal("Not an ELF file.", error.Message);
    }

    [Fact]
    public void Section_table_offset_past_the_end_gets_a_clear_error()
    {
        var bytes = (byte[])s_original.Value.Clone();
        BitConverter.TryWriteBytes(bytes.AsSpan(0x28, 8), long.MaxValue);

        var error = Assert.Throws<InvalidDataException>(() => GlibcxxVersionPatch.FindPatchSite(bytes));

        Assert.Contains("past the end of the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Library_that_does_not_need_GLIBCXX_3_4_32_is_rejected()
    {
        var bytes = Replace(s_original.Value, "GLIBCXX_3.4.32\0", "GLIBCXX_3.4.31\0");

        var error = Assert.Throws<InvalidDataException>(() => GlibcxxVersionPatch.FindPatchSite(bytes));

        Assert.Contains("does not list GLIBCXX_3.4.32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Library_where_another_symbol_needs_GLIBCXX_3_4_32_is_rejected()
    {
        var site = GlibcxxVersionPatch.FindPatchSite(s_original.Value);
        var bytes = (byte[])s_original.Value.Clone();
        var previousSymbolsVersym = (int)site.VersymOffset - 2;
        BitConverter.TryWriteBytes(bytes.AsSpan(previousSymbolsVersym, 2), site.VersionIndex);

        var error = Assert.Throws<InvalidDataException>(() => GlibcxxVersionPatch.FindPatchSite(bytes));

        Assert.Contains("also needs GLIBCXX_3.4.32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_targets_skip_files_with_the_patched_hash()
    {
        var targets = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TorchSharpNativeFix", "TorchSharpNativeFix.targets"));

        Assert.Contains($">{GlibcxxVersionPatch.PatchedSha256}<", targets, StringComparison.Ordinal);
    }

    private string WriteOriginal(string name)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, s_original.Value);
        return path;
    }

    private static byte[] Replace(byte[] image, string from, string to)
    {
        var needle = Encoding.ASCII.GetBytes(from);
        var at = image.AsSpan().IndexOf(needle);
        Assert.True(at >= 0, $"{from} is not in the library.");
        var copy = (byte[])image.Clone();
        Encoding.ASCII.GetBytes(to).CopyTo(copy, at);
        return copy;
    }

    /// <summary>The unpatched library: this test's output copy where the build left it alone, else the NuGet cache's.</summary>
    private static string FindOriginal()
    {
        var output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", GlibcxxVersionPatch.LibraryFileName);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var cached = Path.Combine(packages, "torchsharp", GlibcxxVersionPatch.TorchSharpVersion, "runtimes", "linux-x64", "native", GlibcxxVersionPatch.LibraryFileName);
        return new[] { output, cached }.FirstOrDefault(path => File.Exists(path) && GlibcxxVersionPatch.Sha256(path) == GlibcxxVersionPatch.OriginalSha256)
            ?? throw new InvalidOperationException($"Neither {output} nor {cached} is TorchSharp {GlibcxxVersionPatch.TorchSharpVersion}'s original {GlibcxxVersionPatch.LibraryFileName}.");
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int HardLink([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);
}
