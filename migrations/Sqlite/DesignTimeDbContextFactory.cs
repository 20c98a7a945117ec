using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ClawGroups.Migrations.Sqlite;

/// <summary>
/// Lets `dotnet ef` build the model for this provider without starting the app. Generating a migration
/// does not connect; the connection string only matters for `dotnet ef database update`.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ClawDbContext>
{
    public ClawDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__ClawGroups")
            ?? "Data Source=clawgroups_design.db";
        var options = new DbContextOptionsBuilder<ClawDbContext>();
        options.UseClawDatabase(DatabaseProvider.Sqlite, connectionString);
        return new ClawDbContext(options.Options);
    }
}
