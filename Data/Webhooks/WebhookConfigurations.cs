using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClawGroups.Data.Webhooks;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.Property(m => m.Type).HasMaxLength(100);
        builder.Property(m => m.LastError).HasMaxLength(2000);
        builder.HasMany(m => m.DeliveryAttempts).WithOne().HasForeignKey(a => a.OutboxMessageId).OnDelete(DeleteBehavior.Cascade);
        // Due messages, found by the delivery job; only undelivered rows carry a due time, so the index stays small.
        builder.HasIndex(m => m.DueAt).HasFilter("\"DueAt\" IS NOT NULL");
        // A pull agent's pending messages.
        builder.HasIndex(m => new { m.AgentId, m.DeliveredAt });
    }
}

internal sealed class DeliveryAttemptConfiguration : IEntityTypeConfiguration<DeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<DeliveryAttempt> builder)
    {
        // A plain rowid key on SQLite, as a trail event's (docs/decisions/0051): an attempt's id names nothing outside its row.
        builder.Property(a => a.Id).ValueGeneratedOnAdd().Metadata.SetValueGenerationStrategy(SqliteValueGenerationStrategy.None);
        builder.Property(a => a.Error).HasMaxLength(2000);
        builder.HasIndex(a => a.OutboxMessageId);
    }
}
