using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClawGroups.Data.Trail;

internal sealed class TrailEventConfiguration : IEntityTypeConfiguration<TrailEvent>
{
    public void Configure(EntityTypeBuilder<TrailEvent> builder)
    {
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Property(e => e.Type).HasMaxLength(TrailEvent.MaxTypeLength);
        builder.HasIndex(e => new { e.GroupId, e.Id });
        builder.HasIndex(e => new { e.WorkItemId, e.Id });
        builder.HasIndex(e => new { e.AgentId, e.Id });
    }
}
