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
}
