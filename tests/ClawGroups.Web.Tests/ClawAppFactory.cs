using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Web.Tests;

/// <summary>The real app (Program.cs as shipped) on a fresh test database, configured the way an operator would.</summary>
public sealed class ClawAppFactory(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null, bool ownsDatabase = true)
    : WebApplicationFactory<Program>
{
    public const string BootstrapToken = "test-bootstrap-token-0123456789";

    public TestDatabase Database { get; } = database;

    /// <summary>The errors the app logged, for tests that show a path logs none.</summary>
    internal Api.Fuzzing.ServerErrorLog ErrorLog { get; } = new();

    /// <summary>The app's latest log lines at the levels its settings let through, for a failed test to print.</summary>
    public ServerLog Log { get; } = new();

    public static async Task<ClawAppFactory> StartAsync(DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = new ClawAppFactory(await TestDatabase.CreateAsync(provider), settings);
        // Building the server runs Program.cs up to the start of the host: migrations included.
        _ = factory.Server;
        return factory;
    }

    /// <summary>
    /// The app on Kestrel on a loopback port, as agents in the wild reach it: real HTTP both ways (the app calls the
    /// simulated agents' webhooks too). Settings suit tests: webhooks on loopback allowed, sweeps every second.
    /// </summary>
    public static async Task<ClawAppFactory> StartOnLoopbackAsync(
        IReadOnlyDictionary<string, string?>? settings = null, DatabaseProvider provider = DatabaseProvider.Postgres)
    {
        var merged = new Dictionary<string, string?>
        {
            ["ClawGroups:Webhooks:AllowPrivateAddresses"] = "true",
            ["ClawGroups:Webhooks:RetryBaseDelaySeconds"] = "0.2",
            ["ClawGroups:Webhooks:RetryMaxDelaySeconds"] = "1",
            ["ClawGroups:Coordinator:SweepIntervalSeconds"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }

        var factory = new ClawAppFactory(await TestDatabase.CreateAsync(provider), merged);
        factory.UseKestrel(0);
        factory.StartServer();
        return factory;
    }

    /// <summary>
    /// Another node of <paramref name="first"/>'s installation: the same database, its own Kestrel port, and no job
    /// server (a web-only node, as a scaled-out deployment runs them). The first node keeps the database.
    /// </summary>
    public static ClawAppFactory StartAnotherNodeOnLoopback(ClawAppFactory first)
    {
        ArgumentNullException.ThrowIfNull(first);
        var factory = new ClawAppFactory(first.Database, new Dictionary<string, string?>
        {
            ["ClawGroups:Webhooks:AllowPrivateAddresses"] = "true",
            ["ClawGroups:Jobs:RunServer"] = "false",
        }, ownsDatabase: false);
        factory.UseKestrel(0);
        factory.StartServer();
        return factory;
    }

    /// <summary>Where the app listens when started on loopback.</summary>
    public Uri BaseAddress => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>A real HTTP client for the app with the bootstrap owner's token.</summary>
    public HttpClient OwnerHttpClient()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", BootstrapToken);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting reaches the configuration before Program.cs reads it, as environment variables would.
        builder.UseSetting("Database:Provider", Database.Provider.ToString());
        builder.UseSetting("ConnectionStrings:ClawGroups", Database.ConnectionString);
        builder.UseSetting("ClawGroups:BootstrapToken", BootstrapToken);
        builder.ConfigureLogging(logging => logging.AddProvider(ErrorLog).AddProvider(Log));
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        // Each test database has its own connection pool; idle connections would otherwise stay open for
        // minutes and a long run would exhaust the server's connection slots.
        Npgsql.NpgsqlConnection.ClearAllPools();
        if (ownsDatabase)
        {
            Database.Dispose();
        }
    }
}
