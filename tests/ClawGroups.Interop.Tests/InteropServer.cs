using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using ClawGroups.Data.Accounts;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Apps;
using ClawGroups.Testing.Postgres;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Interop.Tests;

/// <summary>
/// The app as its own process on a loopback port (so that Node can reach it) and on a real PostgreSQL database, with the
/// settings an interop run needs: a bootstrap owner token, private addresses allowed for the SDK agents the tests start on
/// loopback, and a fast sweep. One server for the whole test run; each test makes its own group.
/// </summary>
public sealed class InteropServer : IAsyncLifetime
{
    public const string BootstrapToken = "interop-bootstrap-token-0123456789";

    private AppProcess? _app;
    private string? _database;

    public Uri Url => (_app ?? throw new InvalidOperationException("The server is not started.")).Url;

    /// <summary>The app's own log lines of warnings and errors, for a failure message.</summary>
    public IReadOnlyCollection<string> Problems => _app?.Problems ?? [];

    /// <summary>An HTTP client on the app with the bootstrap owner's token.</summary>
    public HttpClient OwnerClient()
    {
        var client = new HttpClient { BaseAddress = Url };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BootstrapToken);
        return client;
    }

    /// <summary>
    /// A personal access token (<c>cg_pat_…</c>) of a new instance owner, stored as the workspace stores one: by its SHA-256
    /// hash (Coordinator/Credentials/SecretToken.cs), so the app authenticates it as it would any token a person created.
    /// </summary>
    public async Task<string> CreateOwnerAccessTokenAsync()
    {
        var token = "cg_pat_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var user = new ClawUser
        {
            Id = Guid.CreateVersion7(), UserName = $"owner-{Guid.NewGuid():N}", DisplayName = "Interop owner", IsInstanceOwner = true,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        user.AccessTokens.Add(new PersonalAccessToken
        {
            Id = Guid.CreateVersion7(), Name = "interop", Prefix = token[..12],
            TokenHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))), CreatedAt = DateTimeOffset.UtcNow,
        });
        var options = new DbContextOptionsBuilder<ClawDbContext>();
        options.UseClawDatabase(DatabaseProvider.Postgres, _database ?? throw new InvalidOperationException("The server is not started."));
        await using var context = new ClawDbContext(options.Options);
        context.Users.Add(user);
        await context.SaveChangesAsync();
        return token;
    }

    public async Task InitializeAsync()
    {
        var database = _database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("interop");
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__ClawGroups"] = database,
            ["ClawGroups__BootstrapToken"] = BootstrapToken,
            ["ClawGroups__Webhooks__AllowPrivateAddresses"] = "true",
            ["ClawGroups__Webhooks__RetryBaseDelaySeconds"] = "0.2",
            ["ClawGroups__Webhooks__RetryMaxDelaySeconds"] = "1",
            ["ClawGroups__Coordinator__SweepIntervalSeconds"] = "1",
            // Routing is not the subject here: the coordinator never holds an item for a person's routing answer.
            ["ClawGroups__Coordinator__MinRoutingConfidence"] = "0",
            ["ClawGroups__Inference__Model"] = "lexical",
            ["ClawGroups__Api__AgentRequestsPerMinute"] = "100000",
            ["ClawGroups__Api__HumanRequestsPerMinute"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        _app = await AppProcess.StartAsync(new AppProcessOptions
        {
            // The build the test build made (Debug unless the tests run in Release): `dotnet test` of the solution builds Web too.
            Configuration = typeof(InteropServer).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug",
            Settings = settings,
            StartTimeout = TimeSpan.FromMinutes(1),
        });
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
    }
}
