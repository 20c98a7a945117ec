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
        builder.HasIndex(e => new { e.GroupId, e.Id });
        builder.HasIndex(e => new { e.WorkItemId, e.Id });
        builder.HasIndex(e => new { e.AgentId, e.Id });
    }
}
