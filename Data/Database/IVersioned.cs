namespace ClawGroups.Data.Database;

/// <summary>
/// An entity with an optimistic concurrency token. <see cref="ClawDbContext"/> increments <see cref="Version"/>
/// on every tracked update, and EF Core adds <c>WHERE "Version" = @original</c>, so a stale writer gets a
/// <see cref="Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException"/> instead of overwriting.
/// A portable counter rather than PostgreSQL's xmin, so that SQLite behaves the same.
/// Set-based writes (<c>ExecuteUpdateAsync</c>) must increment it themselves.
/// </summary>
public interface IVersioned
{
    long Version { get; set; }
}
