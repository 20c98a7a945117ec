namespace ClawGroups.Data.Database;

/// <summary>
/// An entity with an optimistic concurrency token. <see cref="ClawDbContext"/> increments <see cref="Version"/>
/// on every tracked update, and EF Core adds <c>WHERE "Version" = @original</c>, so a stale writer gets a
/// <see cref="Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException"/> instead of overwriting.
/// A portable counter rather than PostgreSQL's xmin, so that SQLite behaves the same.
/// Set-based writes (<c>ExecuteUpdateAsync</c>) must increment it themselves.
/// Nodes also cache what they read of an entity under its version (a pass keeps each ready work item's lean row, decision
/// 0018), so a write that changes what a reader sees must move it, including a write to a child that the reader reads with
/// the parent (an attempt made stalled or steered away moves its work item).
/// </summary>
public interface IVersioned
{
    long Version { get; set; }
}
