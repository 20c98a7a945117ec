using ClawGroups.Data.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ClawGroups.Data.Tests;

/// <summary>
/// The app's data registration (<see cref="DataHostingExtensions.AddClawData"/>) on SQLite, with a test's own directory as
/// its content root and the settings the test gives. A setting given as null is left out, not bound: a key present with a
/// null value binds a number to 0 rather than leaving its option at its default.
/// </summary>
internal static class SqliteDataHost
{
    /// <summary>On the file <c>claw.db</c> in <paramref name="directory"/>.</summary>
    public static IHost Build(string directory, params (string Key, string? Value)[] settings)
        => Build(directory, $"Data Source={Path.Combine(directory, "claw.db")}", settings);

    public static IHost Build(string directory, string connectionString, params (string Key, string? Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = directory });
        var configuration = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:ClawGroups"] = connectionString,
        };
        foreach (var (key, value) in settings.Where(s => s.Value is not null))
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddClawData();
        return builder.Build();
    }
}
