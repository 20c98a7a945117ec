using System.Text.Json;

namespace ClawGroups.Interop.Tests;

/// <summary>The pinned SDKs install from the npm registry, load, and reach the app's process over loopback.</summary>
[Collection(InteropCollection.Name)]
public sealed class SdkInstallTests(InteropServer server)
{
    [Fact]
    public async Task The_pinned_SDKs_load_and_reach_the_app()
    {
        var run = await NodeScript.RunAsync("sdk-check.mjs", new Dictionary<string, string> { ["CLAW_URL"] = server.Url.AbsoluteUri }, TimeSpan.FromMinutes(1));

        Assert.True(run.ExitCode == 0, run.ToString());
        using var seen = JsonDocument.Parse(run.Lines.Last());
        using var pin = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(NodeScript.Folder, "package.json")));
        var dependencies = pin.RootElement.GetProperty("dependencies");
        Assert.Equal(dependencies.GetProperty("@modelcontextprotocol/sdk").GetString(), seen.RootElement.GetProperty("mcpSdk").GetString());
        Assert.Equal(dependencies.GetProperty("@a2a-js/sdk").GetString(), seen.RootElement.GetProperty("a2aSdk").GetString());
        Assert.True(seen.RootElement.GetProperty("loaded").GetBoolean());
        Assert.Equal(200, seen.RootElement.GetProperty("health").GetInt32());
    }
}
