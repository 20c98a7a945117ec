using ClawGroups.Data.Database;
using Npgsql;

namespace ClawGroups.Data.Tests.Database;

public sealed class PostgresConnectionSettingsTests
{
    [Fact]
    public void A_connection_string_without_a_setting_gets_statements_prepared_once_they_recur()
    {
        var settings = new NpgsqlConnectionStringBuilder(PostgresConnectionSettings.WithDefaults("Host=db;Database=claw;Username=claw"));

        Assert.Equal((PostgresConnectionSettings.MaxAutoPrepare, PostgresConnectionSettings.AutoPrepareMinUsages), (settings.MaxAutoPrepare, settings.AutoPrepareMinUsages));
        Assert.Equal(("db", "claw"), (settings.Host, settings.Database));
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;maxautoprepare=12", 12)]
    public void An_operators_own_setting_is_kept(string connectionString, int kept)
    {
        var settings = new NpgsqlConnectionStringBuilder(PostgresConnectionSettings.WithDefaults(connectionString));

        Assert.Equal(kept, settings.MaxAutoPrepare);
    }

    [Fact]
    public void A_connection_string_without_a_pool_size_gets_the_apps_own()
    {
        var settings = new NpgsqlConnectionStringBuilder(PostgresConnectionSettings.WithDefaults("Host=db;Max Auto Prepare=0"));

        Assert.Equal(PostgresConnectionSettings.MaxPoolSize, settings.MaxPoolSize);
        Assert.Equal(0, settings.MaxAutoPrepare);
    }

    [Theory]
    [InlineData("Host=db;Maximum Pool Size=200", 200)]
    [InlineData("Host=db;maximum pool size=8", 8)]
    [InlineData("Host=db;MaxPoolSize=64", 64)]
    public void An_operators_own_pool_size_is_kept(string connectionString, int maximum)
    {
        var settings = new NpgsqlConnectionStringBuilder(PostgresConnectionSettings.WithDefaults(connectionString));

        Assert.Equal(maximum, settings.MaxPoolSize);
    }

    [Fact]
    public void An_operators_minimum_above_the_default_raises_the_maximum_with_it()
    {
        var minimum = PostgresConnectionSettings.MaxPoolSize + 10;

        var settings = new NpgsqlConnectionStringBuilder(PostgresConnectionSettings.WithDefaults($"Host=db;Minimum Pool Size={minimum}"));

        Assert.Equal((minimum, minimum), (settings.MinPoolSize, settings.MaxPoolSize));
    }
}
