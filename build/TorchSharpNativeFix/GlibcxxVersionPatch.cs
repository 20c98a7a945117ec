// Compiled twice: by MSBuild's RoslynCodeTaskFactory (against netstandard 2.0, no implicit usings,
// no defined symbols) into the PatchTorchSharpNative build task, and into ClawGroups.Inference.Tests,
// which defines CLAW_NATIVE_FIX_WITHOUT_MSBUILD to leave out the task class. The factory accepts a
// single source file, so the thin task class lives at the end of this one. See
// docs/decisions/0002-torchsharp-native-fix.md.
#nullable enable
using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace ClawGroups.Build.TorchSharpNativeFix;

public enum GlibcxxPatchOutcome
{
    /// <summary>The file was the known original and has been replaced by a patched copy.</summary>
    Patched,

    /// <summary>The file already was the known patched library; nothing was written.</summary>
    AlreadyPatched,

    /// <summary>The file is neither the known original nor the known patched library; nothing was written.</summary>
    UnknownFile,
}

/// <summary>Where the two edited values live in one libLibTorchSharp.so image, and what they hold now.</summary>
public sealed class GlibcxxPatchSite
{
    public GlibcxxPatchSite(long vernauxFlagsOffset, ushort vernauxFlags, ushort versionIndex, int symbolIndex, long versymOffset, ushort symbolVersion)
    {
        VernauxFlagsOffset = vernauxFlagsOffset;
        VernauxFlags = vernauxFlags;
        VersionIndex = versionIndex;
        SymbolIndex = symbolIndex;
        VersymOffset = versymOffset;
        SymbolVersion = symbolVersion;
    }

    /// <summary>File offset of vna_flags in the GLIBCXX_3.4.32 entry of .gnu.version_r.</summary>
    public long VernauxFlagsOffset { get; }

    public ushort VernauxFlags { get; }

    /// <summary>The version index (vna_other) that .gnu.version uses for GLIBCXX_3.4.32.</summary>
    public ushort VersionIndex { get; }

    /// <summary>Index of the unused symbol in .dynsym, and so in .gnu.version.</summary>
    public int SymbolIndex { get; }

    /// <summary>File offset of the symbol's entry in .gnu.version.</summary>
    public long VersymOffset { get; }

    public ushort SymbolVersion { get; }

    public bool IsPatched =>
        (VernauxFlags & GlibcxxVersionPatch.VerFlagWeak) != 0 && SymbolVersion == GlibcxxVersionPatch.VersionGlobal;
}

/// <summary>
/// Lets TorchSharp 0.107.0's libLibTorchSharp.so (built with GCC 13) load against a libstdc++ older than
/// GLIBCXX_3.4.32: marks that version requirement weak and clears the version of the one symbol that
/// asks for it, a symbol no relocation refers to. Only the known original file is patched, and the
/// output is written as a new file so that a hard link into the NuGet cache is never modified.
/// </summary>
public static class GlibcxxVersionPatch
{
    public const string TorchSharpVersion = "0.107.0";
    public const string LibraryFileName = "libLibTorchSharp.so";
    public const string OriginalSha256 = "cf33b1b0bb6bbb9754a768fb5c5d04d9f498603be50e73f55621a0b40ee608b8";
    public const string PatchedSha256 = "9723f27dc061e98d24149187be83367b57a4f3403b59252387805c8795d92749";

    public const string Libstdcxx = "libstdc++.so.6";
    public const string RequiredVersion = "GLIBCXX_3.4.32";
    public const string UnusedSymbol = "_ZSt21ios_base_library_initv";

    public const ushort VerFlagWeak = 2;
    public const ushort VersionGlobal = 1;

    private const uint SectionRel = 9;
    private const uint SectionRela = 4;
    private const uint SectionDynsym = 11;
    private const uint SectionVerneed = 0x6ffffffe;
    private const uint SectionVersym = 0x6fffffff;
    private const int SymbolSize = 24;
    private const ushort VersionIndexMask = 0x7fff;

    /// <summary>Replaces <paramref name="libraryPath"/> with a patched copy if it is the known original.</summary>
    /// <exception cref="InvalidDataException">The known original does not have the expected structure.</exception>
    public static GlibcxxPatchOutcome Apply(string libraryPath)
    {
        var hash = Sha256(libraryPath);
        if (hash == PatchedSha256)
        {
            return GlibcxxPatchOutcome.AlreadyPatched;
        }

        if (hash != OriginalSha256)
        {
            return GlibcxxPatchOutcome.UnknownFile;
        }

        var fullPath = Path.GetFullPath(libraryPath);
        var temp = Path.Combine(
            Path.GetDirectoryName(fullPath) ?? ".",
            "." + Path.GetFileName(fullPath) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            // A new file: the original may be a hard link to the NuGet cache and is only ever read.
            File.Copy(fullPath, temp);
            var site = FindPatchSite(File.ReadAllBytes(temp));
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Write))
            {
                WriteUInt16(stream, site.VernauxFlagsOffset, (ushort)(site.VernauxFlags | VerFlagWeak));
                WriteUInt16(stream, site.VersymOffset, VersionGlobal);
            }

            var patchedHash = Sha256(temp);
            if (patchedHash != PatchedSha256)
            {
                throw new InvalidDataException(
                    $"Patching {fullPath} gave SHA-256 {patchedHash}, not the expected {PatchedSha256}; the file was left as it was.");
            }

            // Same size and time as the original, so MSBuild's incremental copy keeps the patched file.
            File.SetLastWriteTimeUtc(temp, File.GetLastWriteTimeUtc(fullPath));
            File.Replace(temp, fullPath, destinationBackupFileName: null);
            return GlibcxxPatchOutcome.Patched;
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>
    /// Finds the GLIBCXX_3.4.32 requirement of libstdc++.so.6 and the one symbol that uses it, and checks that
    /// no relocation refers to that symbol, so that loosening both cannot change what the loader binds.
    /// </summary>
    /// <exception cref="InvalidDataException">The image is not an ELF64 little-endian file with that structure.</exception>
    public static GlibcxxPatchSite FindPatchSite(byte[] image)
    {
        try
        {
            return FindPatchSite(new Elf64(image));
        }
        catch (OverflowException e)
        {
            throw new InvalidDataException("ELF offsets or sizes overflow.", e);
        }
    }

    private static GlibcxxPatchSite FindPatchSite(Elf64 elf)
    {
        var dynsym = elf.SingleSection(SectionDynsym, ".dynsym");
        var verneed = elf.SingleSection(SectionVerneed, ".gnu.version_r");
        var versym = elf.SingleSection(SectionVersym, ".gnu.version");
        var dynstr = elf.Section(dynsym.Link, "the .dynsym string table");
        if (verneed.Link != dynsym.Link)
        {
            throw new InvalidDataException(".gnu.version_r and .dynsym use different string tables.");
        }

        var (flagsOffset, flags, versionIndex) = FindVersionNeed(elf, verneed, dynstr);

        var symbolCount = checked((int)(dynsym.Size / SymbolSize));
        if (versym.Size != (ulong)symbolCount * 2)
        {
            throw new InvalidDataException($".gnu.version has {versym.Size} bytes for {symbolCount} symbols.");
        }

        var symbolIndex = -1;
        for (var i = 0; i < symbolCount; i++)
        {
            long symbol = checked((long)dynsym.Offset + (long)i * SymbolSize);
            var name = elf.String(dynstr, elf.UInt32(symbol));
            var version = elf.UInt16(checked((long)versym.Offset + i * 2L)) & VersionIndexMask;
            if (name == UnusedSymbol)
            {
                if (symbolIndex >= 0)
                {
                    throw new InvalidDataException($".dynsym names {UnusedSymbol} more than once.");
                }

                if (elf.UInt16(symbol + 6) != 0)
                {
                    throw new InvalidDataException($"{UnusedSymbol} is defined in the library, not imported.");
                }

                symbolIndex = i;
            }
            else if (version == versionIndex)
            {
                throw new InvalidDataException($"{name} also needs {RequiredVersion}; making it weak could hide a missing symbol.");
            }
        }

        if (symbolIndex < 0)
        {
            throw new InvalidDataException($".dynsym has no {UnusedSymbol}.");
        }

        var versymOffset = checked((long)versym.Offset + symbolIndex * 2L);
        var symbolVersion = elf.UInt16(versymOffset);
        if (symbolVersion != versionIndex && symbolVersion != VersionGlobal)
        {
            throw new InvalidDataException($"{UnusedSymbol} has version index {symbolVersion}, not {RequiredVersion} ({versionIndex}).");
        }

        EnsureNoRelocationUses(elf, dynsym, symbolIndex);
        return new GlibcxxPatchSite(flagsOffset, flags, versionIndex, symbolIndex, versymOffset, symbolVersion);
    }

    public static string Sha256(string path)
    {
        using var sha = SHA256.Create();
        using var stream = File.OpenRead(path);
        var hash = new StringBuilder(64);
        foreach (var b in sha.ComputeHash(stream))
        {
            hash.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return hash.ToString();
    }

    private static (long FlagsOffset, ushort Flags, ushort VersionIndex) FindVersionNeed(Elf64 elf, Elf64.SectionHeader verneed, Elf64.SectionHeader dynstr)
    {
        if (verneed.Info > verneed.Size / 16)
        {
            throw new InvalidDataException($".gnu.version_r claims {verneed.Info} entries in {verneed.Size} bytes.");
        }

        long found = -1;
        long need = (long)verneed.Offset;
        for (uint n = 0; n < verneed.Info; n++)
        {
            var auxCount = elf.UInt16(need + 2);
            var file = elf.String(dynstr, elf.UInt32(need + 4));
            long aux = checked(need + elf.UInt32(need + 8));
            for (var a = 0; a < auxCount; a++)
            {
                if (file == Libstdcxx && elf.String(dynstr, elf.UInt32(aux + 8)) == RequiredVersion)
                {
                    if (found >= 0)
                    {
                        throw new InvalidDataException($".gnu.version_r lists {RequiredVersion} of {Libstdcxx} twice.");
                    }

                    found = aux;
                }

                aux = checked(aux + elf.UInt32(aux + 12));
            }

            need = checked(need + elf.UInt32(need + 12));
        }

        if (found < 0)
        {
            throw new InvalidDataException($".gnu.version_r does not list {RequiredVersion} of {Libstdcxx}.");
        }

        return (found + 4, elf.UInt16(found + 4), elf.UInt16(found + 6));
    }

    private static void EnsureNoRelocationUses(Elf64 elf, Elf64.SectionHeader dynsym, int symbolIndex)
    {
        foreach (var section in elf.Sections)
        {
            if ((section.Type != SectionRela && section.Type != SectionRel) || section.Link != dynsym.Index)
            {
                continue;
            }

            var entrySize = section.Type == SectionRela ? 24L : 16L;
            for (long entry = (long)section.Offset; entry + entrySize <= (long)(section.Offset + section.Size); entry += entrySize)
            {
                if (elf.UInt64(entry + 8) >> 32 == (ulong)symbolIndex)
                {
                    throw new InvalidDataException($"A relocation refers to {UnusedSymbol}; it is used after all.");
                }
            }
        }
    }

    private static void WriteUInt16(Stream stream, long offset, ushort value)
    {
        stream.Position = offset;
        stream.WriteByte((byte)value);
        stream.WriteByte((byte)(value >> 8));
    }
}

/// <summary>Bounds-checked little-endian reads over an ELF64 image; every malformation is an InvalidDataException.</summary>
internal sealed class Elf64
{
    private readonly byte[] _image;

    public Elf64(byte[] image)
    {
        _image = image ?? throw new ArgumentNullException(nameof(image));
        if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
        {
            throw new InvalidDataException("Not an ELF file.");
        }

        if (image[4] != 2 || image[5] != 1)
        {
            throw new InvalidDataException("Not a 64-bit little-endian ELF file.");
        }

        var sectionTable = UInt64(0x28);
        var entrySize = UInt16(0x3a);
        var count = UInt16(0x3c);
        if (entrySize != 64 || count == 0)
        {
            throw new InvalidDataException($"Unexpected ELF section header table ({count} entries of {entrySize} bytes).");
        }

        Sections = new SectionHeader[count];
        for (var i = 0; i < count; i++)
        {
            long header = checked((long)sectionTable + i * 64L);
            var section = new SectionHeader(i, UInt32(header + 4), UInt64(header + 24), UInt64(header + 32), UInt32(header + 40), UInt32(header + 44));
            if (section.Type != 8 && section.Size > (ulong)image.Length - Math.Min(section.Offset, (ulong)image.Length))
            {
                throw new InvalidDataException($"ELF section {i} ends past the end of the file ({image.Length} bytes).");
            }

            Sections[i] = section;
        }
    }

    public SectionHeader[] Sections { get; }

    public SectionHeader Section(uint index, string what) =>
        index < Sections.Length ? Sections[index] : throw new InvalidDataException($"ELF section index {index} for {what} is out of range.");

    public SectionHeader SingleSection(uint type, string name)
    {
        SectionHeader? found = null;
        foreach (var section in Sections)
        {
            if (section.Type == type)
            {
                found = found is null ? section : throw new InvalidDataException($"More than one {name} section.");
            }
        }

        return found ?? throw new InvalidDataException($"No {name} section.");
    }

    public ushort UInt16(long offset)
    {
        Check(offset, 2);
        return (ushort)(_image[offset] | _image[offset + 1] << 8);
    }

    public uint UInt32(long offset)
    {
        Check(offset, 4);
        return (uint)(_image[offset] | _image[offset + 1] << 8 | _image[offset + 2] << 16 | _image[offset + 3] << 24);
    }

    public ulong UInt64(long offset) => UInt32(offset) | (ulong)UInt32(offset + 4) << 32;

    public string String(SectionHeader table, uint offset)
    {
        if (offset >= table.Size)
        {
            throw new InvalidDataException($"String offset {offset} is outside its string table.");
        }

        long start = checked((long)table.Offset + offset);
        long end = start;
        long limit = (long)(table.Offset + table.Size);
        while (end < limit && _image[end] != 0)
        {
            end++;
        }

        if (end == limit)
        {
            throw new InvalidDataException($"String at offset {offset} is not terminated.");
        }

        return Encoding.ASCII.GetString(_image, (int)start, (int)(end - start));
    }

    private void Check(long offset, int length)
    {
        if (offset < 0 || offset > _image.Length - length)
        {
            throw new InvalidDataException($"ELF structure points at offset {offset}, past the end of the file ({_image.Length} bytes).");
        }
    }

    internal sealed class SectionHeader
    {
        public SectionHeader(int index, uint type, ulong offset, ulong size, uint link, uint info)
        {
            Index = index;
            Type = type;
            Offset = offset;
            Size = size;
            Link = link;
            Info = info;
        }

        public int Index { get; }

        public uint Type { get; }

        public ulong Offset { get; }

        public ulong Size { get; }

        public uint Link { get; }

        public uint Info { get; }
    }
}

#if !CLAW_NATIVE_FIX_WITHOUT_MSBUILD
/// <summary>Patches each given libLibTorchSharp.so; TorchSharpNativeFix.targets calls it only where libstdc++ is too old.</summary>
public sealed class PatchTorchSharpNative : Microsoft.Build.Utilities.Task
{
    [Microsoft.Build.Framework.Required]
    public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

    /// <summary>The system libstdc++ that lacks GLIBCXX_3.4.32, for the log.</summary>
    public string Libstdcxx { get; set; } = GlibcxxVersionPatch.Libstdcxx;

    public override bool Execute()
    {
        foreach (var library in Libraries)
        {
            var path = library.GetMetadata("FullPath");
            try
            {
                switch (GlibcxxVersionPatch.Apply(path))
                {
                    case GlibcxxPatchOutcome.Patched:
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                            $"TorchSharp native fix: patched {path} to load with {Libstdcxx}, which lacks {GlibcxxVersionPatch.RequiredVersion}.");
                        break;
                    case GlibcxxPatchOutcome.AlreadyPatched:
                        Log.LogMessage($"TorchSharp native fix: {path} is already patched.");
                        break;
                    default:
                        Log.LogWarning(null, "CLAW0001", null, path, 0, 0, 0, 0,
                            $"{path} is not TorchSharp {GlibcxxVersionPatch.TorchSharpVersion}'s {GlibcxxVersionPatch.LibraryFileName} " +
                            $"(SHA-256 {GlibcxxVersionPatch.Sha256(path)}); left untouched, so it may not load with {Libstdcxx}, which lacks " +
                            $"{GlibcxxVersionPatch.RequiredVersion}. Update the hashes in GlibcxxVersionPatch.cs and TorchSharpNativeFix.targets, " +
                            "or build with -p:ClawTorchSharpNativeFix=false.");
                        break;
                }
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
            {
                Log.LogError($"TorchSharp native fix could not patch {path}: {e.Message} Build with -p:ClawTorchSharpNativeFix=false to skip it.");
            }
        }

        return !Log.HasLoggedErrors;
    }
}
#endif
