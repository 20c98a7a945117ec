using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClawGroups.Data.Tests;

/// <summary>For a migration's own test: the database taken back to just before it, to be filled as older data was.</summary>
internal static class MigrationSteps
{
    /// <summary>Migrates (up or down) to the migration before the one whose name ends with <c>_<paramref name="migration"/></c>.</summary>
    public static Task MigrateToJustBeforeAsync(ClawDbContext context, string migration)
    {
        ArgumentNullException.ThrowIfNull(context);
        var all = context.Database.GetMigrations().ToList();
        var at = all.FindIndex(m => m.EndsWith("_" + migration, StringComparison.Ordinal));
        if (at < 1)
        {
            throw new ArgumentException($"No migration named {migration} after another.", nameof(migration));
        }

        return context.GetService<IMigrator>().MigrateAsync(all[at - 1]);
    }
}
