using System.Diagnostics;
using System.Reflection;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Apps;
using ClawGroups.Testing.Postgres;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Reliability.Tests.Crashes;

/// <summary>
/// The app as its own process on one database and one address, that the test kills with SIGKILL and starts again on the
/// same database and port, as a supervisor restarts a server after a power cut. Every incarnation logs to one file.
/// </summary>
internal sealed class CrashingServer : IAsyncDisposable
{
    /// <summary>Exit status of a process ended by SIGKILL (128 + 9).</summary>
    private const int KilledBySigkill = 137;

    private readonly AppProcessOptions _options;
    private readonly string _folder;
    private AppProcess _current;
    private bool _down;

    private CrashingServer(AppProcessOptions options, AppProcess first, DatabaseProvider provider, string connectionString, string folder)
    {
        _options = options;
        _current = first;
        Provider = provider;
        ConnectionString = connectionString;
        _folder = folder;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public Uri Url => _current.Url;

    public string LogPath => _options.LogPath!;

    public int Kills { get; private set; }

    /// <summary>When each incarnation after the first answered /health, and how long the server was down before it.</summary>
    public List<(DateTimeOffset Up, TimeSpan Down)> Restarts { get; } = [];

    /// <summary>What the current incarnation logged as errors, and its last lines.</summary>
    public AppProcess Current => _current;

    public static async Task<CrashingServer> StartAsync(DatabaseProvider provider, IReadOnlyDictionary<string, string> settings)
    {
        var folder = Directory.CreateTempSubdirectory("claw-crash-").FullName;
        var connectionString = provider == DatabaseProvider.Postgres
            ? await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("crash")
            : $"Data Source={Path.Combine(folder, "clawgroups.db")}";
        var all = new Dictionary<string, string>(settings, StringComparer.Ordinal)
        {
            ["Database__Provider"] = provider.ToString(),
            ["ConnectionStrings__ClawGroups"] = connectionString,
        };
        var options = new AppProcessOptions
        {
            // The build the test build made (Debug unless the tests run in Release): `dotnet test` of the solution builds Web too.
            Configuration = typeof(CrashingServer).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug",
            Settings = all,
            Port = AppProcess.FreePort(),
            LogPath = Path.Combine(folder, "app.log"),
            StartTimeout = TimeSpan.FromMinutes(1),
        };
        return new CrashingServer(options, await AppProcess.StartAsync(options), provider, connectionString, folder);
    }

    /// <summary>SIGKILL, with proof that it was one: the process must have died of the signal, not exited by itself.</summary>
    public async Task KillAsync()
    {
        await _current.KillAsync();
        if (_current.ExitCode != KilledBySigkill)
            throw new InvalidOperationException($"The server exited with {_current.ExitCode}, not by SIGKILL ({KilledBySigkill}).");
        Kills++;
    }

    /// <summary>A graceful stop (SIGTERM) at the end of the run: no sweep runs after the agents stop, and no request is cut off.</summary>
    public Task<bool> StopAsync() => _down ? Task.FromResult(true) : _current.StopAsync(TimeSpan.FromSeconds(30));

    /// <summary>Starts the next incarnation on the same database and port, no sooner than <paramref name="downFor"/> after the kill.</summary>
    public async Task RestartAsync(Stopwatch sinceKill, TimeSpan downFor)
    {
        if (sinceKill.Elapsed < downFor)
            await Task.Delay(downFor - sinceKill.Elapsed);
        await _current.DisposeAsync();
        _down = true;
        // The port was the old process's: a socket of it may linger for a moment, so a start that finds it taken tries again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _current = await AppProcess.StartAsync(_options);
                _down = false;
                break;
            }
            catch (InvalidOperationException e) when (attempt < 5 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await Task.Delay(500);
            }
        }

        Restarts.Add((DateTimeOffset.UtcNow, sinceKill.Elapsed));
    }

    public ClawDbContext NewContext()
    {
        var builder = new DbContextOptionsBuilder<ClawDbContext>();
        builder.UseClawDatabase(Provider, ConnectionString);
        return new ClawDbContext(builder.Options);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_down)
            await _current.DisposeAsync();
        Npgsql.NpgsqlConnection.ClearAllPools();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            // The log stays when a test failed: its path is in the failure message. A passing run leaves nothing.
            foreach (var file in Directory.GetFiles(_folder).Where(f => !f.EndsWith(".log", StringComparison.Ordinal)))
                File.Delete(file);
        }
        catch (IOException)
        {
            // Left for the system's temp clean-up.
        }
    }

    /// <summary>Removes the log too, for a run that passed.</summary>
    public void Forget()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temp clean-up.
        }
    }
}
