using System.Net;
using System.Text.Json;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Postgres;
using Npgsql;

namespace ClawGroups.Web.Tests.Hosting;

[Collection(WebTestCollection.Name)]
public sealed class HealthEndpointTests
{
    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Health_answers_200_when_the_database_and_the_job_system_answer(DatabaseProvider provider)
    {
        await using var app = await ClawAppFactory.StartAsync(provider);
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = body.RootElement.GetProperty("checks");
        Assert.Equal("healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.NotEqual("unhealthy", checks.GetProperty("jobs").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Health_answers_503_while_the_database_refuses_connections_and_200_once_it_is_back()
    {
        await using var app = await ClawAppFactory.StartAsync(DatabaseProvider.Postgres);
        using var client = app.CreateClient();
        var databaseName = new NpgsqlConnectionStringBuilder(app.Database.ConnectionString).Database!;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);

        await SetConnectionsAllowedAsync(databaseName, allowed: false);
        HttpResponseMessage whileDown;
        try
        {
            whileDown = await client.GetAsync(new Uri("/health", UriKind.Relative));
        }
        finally
        {
            await SetConnectionsAllowedAsync(databaseName, allowed: true);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileDown.StatusCode);
        using var body = JsonDocument.Parse(await whileDown.Content.ReadAsStringAsync());
        Assert.Equal("unhealthy", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
    }

    /// <summary>Takes the database away from every client, as an outage would, without touching the server.</summary>
    private static async Task SetConnectionsAllowedAsync(string databaseName, bool allowed)
    {
        var server = await PostgresServer.SharedAsync();
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync();
        await using var alter = new NpgsqlCommand($"ALTER DATABASE \"{databaseName}\" WITH ALLOW_CONNECTIONS {(allowed ? "true" : "false")}", connection);
        await alter.ExecuteNonQueryAsync();
        if (!allowed)
        {
            await using var terminate = new NpgsqlCommand(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", connection);
            terminate.Parameters.AddWithValue("name", databaseName);
            await terminate.ExecuteNonQueryAsync();
        }

        NpgsqlConnection.ClearAllPools();
    }
}
