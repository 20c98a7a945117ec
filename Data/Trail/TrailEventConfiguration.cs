using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClawGroups.Data.Trail;

internal sealed class TrailEventConfiguration : IEntityTypeConfiguration<TrailEvent>
{
    public void Configure(EntityTypeBuilder<TrailEvent> builder)
    {
        // On SQLite a plain rowid key, not AUTOINCREMENT: its counter row is written at every insert (a page at nearly every
        // commit), and a rowid key already takes the largest id plus one. Trail events are never deleted, so no id is used
        // twice (docs/decisions/0051).
        builder.Property(e => e.Id).ValueGeneratedOnAdd().Metadata.SetValueGenerationStrategy(SqliteValueGenerationStrategy.None);
        builder.Property(e => e.Type).HasMaxLength(TrailEvent.MaxTypeLength);
        // One index, the one its readers use: an item's trail, oldest first (the drawer, GET /work-items/{id}/events, the
        // feedback job's results, the creation breaker's flags). No query reads a group's or an agent's trail by itself, and
        // each index is pages written at every commit that appends an event, nearly every commit (docs/decisions/0054).
        builder.HasIndex(e => new { e.WorkItemId, e.Id });
    }
}
