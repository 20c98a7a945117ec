using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ClawGroups.Web.Tests;

/// <summary>The real app (Program.cs as shipped) on a fresh test database, configured the way an operator would.</summary>
public sealed class ClawAppFactory(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    public const string BootstrapToken = "test-bootstrap-token-0123456789";

    public TestDatabase Database { get; } = database;

    public static async Task<ClawAppFactory> StartAsync(DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = new ClawAppFactory(await TestDatabase.CreateAsync(provider), settings);
        // Building the server runs Program.cs up to the start of the host: migrations included.
        _ = factory.Server;
        return factory;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting reaches the configuration before Program.cs reads it, as environment variables would.
        builder.UseSetting("Database:Provider", Database.Provider.ToString());
        builder.UseSetting("ConnectionStrings:ClawGroups", Database.ConnectionString);
        builder.UseSetting("ClawGroups:BootstrapToken", BootstrapToken);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Database.Dispose();
    }
}
