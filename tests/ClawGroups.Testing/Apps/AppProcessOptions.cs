namespace ClawGroups.Testing.Apps;

/// <summary>How to start the web app as its own process: which build, with what settings, on which port.</summary>
public sealed record AppProcessOptions
{
    /// <summary>The build of <c>Web/</c> that runs: its output folder <c>Web/bin/&lt;Configuration&gt;/net10.0</c>.</summary>
    public string Configuration { get; init; } = "Release";

    /// <summary>
    /// Build Web first. The benchmark does (it measures Release); a test project that references Web has it built
    /// already by the test build and leaves this off.
    /// </summary>
    public bool Build { get; init; }

    /// <summary>
    /// Publish Web and run the published output, as the production recipe does. Needed when a browser loads the pages:
    /// outside Development, a build's output serves no static web assets (blazor.web.js, MudBlazor's styles).
    /// </summary>
    public bool Publish { get; init; }

    /// <summary>More arguments for <c>dotnet publish</c> when <see cref="Publish"/> is on: a runtime and ReadyToRun, say.</summary>
    public IReadOnlyList<string> PublishArguments { get; init; } = [];

    /// <summary>Configuration as environment variables (<c>ClawGroups__BootstrapToken</c>), set after the defaults.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The loopback port to listen on; 0 picks a free one. A restart passes the port of the process it replaces.</summary>
    public int Port { get; init; }

    /// <summary>Everything the app prints is written here when set.</summary>
    public string? LogPath { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(2);
}
