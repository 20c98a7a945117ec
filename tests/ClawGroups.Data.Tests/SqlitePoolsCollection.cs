namespace ClawGroups.Data.Tests;

/// <summary>
/// Test classes that clear every SQLite connection pool in the process (<c>SqliteConnection.ClearAllPools</c>) or count the
/// connections a pool holds open. Run one after another: a clear in one class closed the idle connections another was
/// counting (the write gate's pool test saw none open, in a CI run).
/// </summary>
[CollectionDefinition(Name)]
public sealed class SqlitePoolsCollection
{
    public const string Name = "SQLite connection pools";
}
