using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ClawGroups.Testing.Postgres;

/// <summary>
/// A real PostgreSQL server for the integration tests: a throwaway cluster in a temporary folder on a free
/// loopback port, started once per test process and removed when it exits. Set CLAWGROUPS_TEST_POSTGRES to a
/// connection string to use a server of your own instead.
/// PostgreSQL refuses to run as root, so when the tests run as root the cluster belongs to the postgres user.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string ExternalServerVariable = "CLAWGROUPS_TEST_POSTGRES";

    private const string FolderPrefix = "clawgroups-pg-";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private static readonly Lazy<Task<PostgresServer>> SharedServer = new(StartSharedAsync);

    private readonly string? _binDirectory;
    private readonly string? _dataDirectory;
    private readonly string? _runAsUser;

    private PostgresServer(string adminConnectionString, string? binDirectory, string? dataDirectory, string? runAsUser)
    {
        AdminConnectionString = adminConnectionString;
        _binDirectory = binDirectory;
        _dataDirectory = dataDirectory;
        _runAsUser = runAsUser;
    }

    /// <summary>A connection string with the right to create databases, pointing at the maintenance database.</summary>
    public string AdminConnectionString { get; }

    /// <summary>The server shared by every test of this process; started on first use.</summary>
    public static Task<PostgresServer> SharedAsync() => SharedServer.Value;

    /// <summary>Creates an empty database with a unique name and returns a connection string for it.</summary>
    public async Task<string> CreateDatabaseAsync(string purpose = "test")
    {
        var name = $"{purpose}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ToString();
    }

    /// <summary>Stops the server now; its folder is removed by the watchdog once this process has exited.</summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_dataDirectory is null)
        {
            return;
        }

        await RunServerCommandAsync("pg_ctl", ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"]);
    }

    private static async Task<PostgresServer> StartSharedAsync()
    {
        var external = Environment.GetEnvironmentVariable(ExternalServerVariable);
        var server = string.IsNullOrWhiteSpace(external)
            ? await StartThrowawayAsync()
            : new PostgresServer(external, null, null, null);
        // Stop the server as the test host exits; the watchdog also covers a host that is killed.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopQuietly();
        return server;
    }

    private static async Task<PostgresServer> StartThrowawayAsync()
    {
        var binDirectory = PostgresBinaries.FindBinDirectory();
        await RemoveAbandonedClustersAsync(binDirectory);

        var root = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        var dataDirectory = Path.Combine(root, "data");
        Directory.CreateDirectory(root);
        var runAsUser = Environment.IsPrivilegedProcess ? "postgres" : null;
        if (runAsUser is not null)
        {
            await ExternalCommand.RunAsync("chown", [runAsUser, root], CommandTimeout);
        }

        var port = FreeLoopbackPort();
        var server = new PostgresServer(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=30;Command Timeout=60;Include Error Detail=true",
            binDirectory, dataDirectory, runAsUser);
        await server.RunServerCommandAsync("initdb", ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
        // Durability settings off: this cluster lives for one test run.
        var serverOptions = $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off " +
                            "-c full_page_writes=off -c max_connections=1000 -c shared_buffers=128MB";
        await server.RunServerCommandAsync("pg_ctl", ["-D", dataDirectory, "-o", serverOptions, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "start"]);
        StartWatchdog(binDirectory, runAsUser, root, dataDirectory);
        return server;
    }

    /// <summary>
    /// A detached shell that waits for this process to end, however it ends (a crash or a killed test host
    /// included), then stops the server and deletes its folder, so that no cluster outlives its test run.
    /// </summary>
    private static void StartWatchdog(string binDirectory, string? runAsUser, string root, string dataDirectory)
    {
        var pgCtl = Path.Combine(binDirectory, "pg_ctl");
        var stop = runAsUser is null ? $"'{pgCtl}'" : $"runuser -u {runAsUser} -- '{pgCtl}'";
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; " +
                     $"{stop} -D '{dataDirectory}' -m immediate -w stop >/dev/null 2>&1; rm -rf '{root}'";
        var startInfo = new ProcessStartInfo("setsid", ["sh", "-c", script])
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        using var watchdog = Process.Start(startInfo)
            ?? throw new InvalidOperationException("Could not start the PostgreSQL watchdog (setsid sh).");
    }

    private void StopQuietly()
    {
        try
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // The server was already stopped; the watchdog removes what is left.
        }
    }

    private Task<string> RunServerCommandAsync(string program, IReadOnlyList<string> arguments)
        => RunServerCommandAsync(_binDirectory!, _runAsUser, program, arguments);

    private static Task<string> RunServerCommandAsync(string binDirectory, string? runAsUser, string program, IReadOnlyList<string> arguments)
    {
        var executable = Path.Combine(binDirectory, program);
        return runAsUser is null
            ? ExternalCommand.RunAsync(executable, arguments, CommandTimeout)
            : ExternalCommand.RunAsync("runuser", ["-u", runAsUser, "--", executable, .. arguments], CommandTimeout);
    }

    /// <summary>
    /// Stops and deletes clusters left behind by test processes that died without cleaning up. Best effort:
    /// a cluster's own watchdog may be removing it at the same moment, and that is fine.
    /// </summary>
    private static async Task RemoveAbandonedClustersAsync(string binDirectory)
    {
        foreach (var root in Directory.GetDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var name = Path.GetFileName(root)[FolderPrefix.Length..];
            if (!int.TryParse(name.Split('-')[0], out var ownerPid) || IsRunning(ownerPid))
            {
                continue;
            }

            try
            {
                var dataDirectory = Path.Combine(root, "data");
                if (File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
                {
                    var runAsUser = Environment.IsPrivilegedProcess ? "postgres" : null;
                    await RunServerCommandAsync(binDirectory, runAsUser, "pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"]);
                }

                Directory.Delete(root, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Already stopped or being removed by its watchdog: nothing of ours is at stake.
            }
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
