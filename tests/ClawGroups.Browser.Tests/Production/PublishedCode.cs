using System.Reflection.PortableExecutable;
using System.Text.Json;

namespace ClawGroups.Browser.Tests.Production;

/// <summary>How a published app's code will run: what its assemblies and its runtimeconfig.json say.</summary>
internal static class PublishedCode
{
    /// <summary>True when the assembly carries ReadyToRun code (a managed native header), not IL alone.</summary>
    public static bool IsCompiledAheadOfTime(string assemblyPath)
    {
        using var file = File.OpenRead(assemblyPath);
        using var reader = new PEReader(file);
        return reader.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    /// <summary>The runtimeconfig's <c>System.Runtime.TieredPGO</c>, or null when it leaves it to the runtime (on).</summary>
    public static bool? TieredPgo(string runtimeConfigPath)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(runtimeConfigPath));
        return config.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var properties)
               && properties.TryGetProperty("System.Runtime.TieredPGO", out var pgo)
            ? pgo.GetBoolean()
            : null;
    }
}
