using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClawGroups.Data.Agents;

internal sealed class AgentConfiguration : IEntityTypeConfiguration<Agent>
{
    public void Configure(EntityTypeBuilder<Agent> builder)
    {
        builder.Property(a => a.Name).HasMaxLength(AgentLimits.MaxNameLength);
        builder.Property(a => a.Description).HasMaxLength(AgentLimits.MaxDescriptionLength);
        builder.Property(a => a.CardVersion).HasMaxLength(AgentLimits.MaxVersionLength);
        builder.Property(a => a.Model).HasMaxLength(AgentLimits.MaxModelLength);
        builder.Property(a => a.Device).HasMaxLength(AgentLimits.MaxDeviceLength);
        builder.Property(a => a.WebhookUrl).HasMaxLength(AgentLimits.MaxWebhookUrlLength);
        builder.Property(a => a.A2aCardUrl).HasMaxLength(AgentLimits.MaxWebhookUrlLength);
        builder.Property(a => a.A2aEndpointUrl).HasMaxLength(AgentLimits.MaxWebhookUrlLength);
        builder.Property(a => a.A2aCallbackBaseUrl).HasMaxLength(AgentLimits.MaxWebhookUrlLength);
        builder.Property(a => a.ApiKeyPrefix).HasMaxLength(32);
        builder.Property(a => a.ApiKeyHash).HasMaxLength(64);
        builder.Property(a => a.LastHeartbeatNote).HasMaxLength(AgentLimits.MaxHeartbeatNoteLength);
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.ComplexProperty(a => a.Thresholds);
        builder.HasMany(a => a.Skills).WithOne().HasForeignKey(s => s.AgentId).OnDelete(DeleteBehavior.Cascade);

        builder.HasIndex(a => a.ApiKeyHash).IsUnique();
        // The coordinator's every-few-seconds questions: available agents of a group, and the online agents whose heartbeat
        // is older than the timeout (read by status, the heartbeat compared on the rows: in the key, every heartbeat and
        // report moved the agent's entry; docs/decisions/0051).
        builder.HasIndex(a => new { a.GroupId, a.Status });
        builder.HasIndex(a => a.Status);
    }
}

internal sealed class AgentSkillConfiguration : IEntityTypeConfiguration<AgentSkill>
{
    public void Configure(EntityTypeBuilder<AgentSkill> builder)
    {
        builder.HasKey(s => new { s.AgentId, s.SkillId });
        builder.Property(s => s.SkillId).HasMaxLength(AgentLimits.MaxSkillIdLength);
        builder.Property(s => s.Name).HasMaxLength(AgentLimits.MaxSkillNameLength);
        builder.Property(s => s.Description).HasMaxLength(AgentLimits.MaxSkillDescriptionLength);
        builder.HasIndex(s => s.SkillId);
    }
}

internal sealed class AgentSkillReadingConfiguration : IEntityTypeConfiguration<AgentSkillReading>
{
    public void Configure(EntityTypeBuilder<AgentSkillReading> builder)
    {
        builder.HasKey(r => new { r.AgentId, r.SkillId });
        builder.HasOne<AgentSkill>().WithOne().HasForeignKey<AgentSkillReading>(r => new { r.AgentId, r.SkillId }).OnDelete(DeleteBehavior.Cascade);
        builder.Property(r => r.SkillId).HasMaxLength(AgentLimits.MaxSkillIdLength);
        builder.Property(r => r.ReadingVersion).HasMaxLength(200);
    }
}
