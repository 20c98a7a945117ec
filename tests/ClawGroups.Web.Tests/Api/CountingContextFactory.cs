using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Tests.Api;

/// <summary>Contexts on a test database, counted, so that a test can tell how many the code under test took.</summary>
internal sealed class CountingContextFactory(TestDatabase database) : IDbContextFactory<ClawDbContext>
{
    private int _created;

    public int Created => _created;

    public ClawDbContext CreateDbContext()
    {
        Interlocked.Increment(ref _created);
        return database.NewContext();
    }
}
