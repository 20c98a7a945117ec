using ClawGroups.Data.Database;

namespace ClawGroups.Data.Tests;

/// <summary>Runs a theory once on each supported database.</summary>
public static class ProviderData
{
    public static TheoryData<DatabaseProvider> Both => new(DatabaseProvider.Postgres, DatabaseProvider.Sqlite);
}
