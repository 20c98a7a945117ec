using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClawGroups.Data.Groups;

internal sealed class GroupConfiguration : IEntityTypeConfiguration<Group>
{
    public void Configure(EntityTypeBuilder<Group> builder)
    {
        builder.Property(g => g.Name).HasMaxLength(GroupLimits.MaxNameLength);
        builder.Property(g => g.Description).HasMaxLength(GroupLimits.MaxDescriptionLength);
        builder.ComplexProperty(g => g.Thresholds);
        builder.ComplexProperty(g => g.Budgets);
        builder.HasMany(g => g.Members).WithOne(m => m.Group).HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(g => g.Agents).WithOne(a => a.Group).HasForeignKey(a => a.GroupId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(g => g.WorkItems).WithOne(w => w.Group).HasForeignKey(w => w.GroupId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class GroupMemberConfiguration : IEntityTypeConfiguration<GroupMember>
{
    public void Configure(EntityTypeBuilder<GroupMember> builder)
    {
        builder.HasKey(m => new { m.GroupId, m.UserId });
        builder.HasOne(m => m.User).WithMany(u => u.Memberships).HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        // "Which groups is this person in" is asked on every page load.
        builder.HasIndex(m => m.UserId);
    }
}

internal sealed class JoinTokenConfiguration : IEntityTypeConfiguration<JoinToken>
{
    public void Configure(EntityTypeBuilder<JoinToken> builder)
    {
        builder.Property(t => t.Prefix).HasMaxLength(32);
        builder.Property(t => t.TokenHash).HasMaxLength(64);
        builder.Property(t => t.Version).IsConcurrencyToken();
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasOne(t => t.Group).WithMany().HasForeignKey(t => t.GroupId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => new { t.GroupId, t.Audience });
    }
}

internal sealed class GroupSkillTuningConfiguration : IEntityTypeConfiguration<GroupSkillTuning>
{
    public void Configure(EntityTypeBuilder<GroupSkillTuning> builder)
    {
        builder.HasKey(t => t.GroupId);
        builder.Property(t => t.Version).IsConcurrencyToken();
        builder.HasOne<Group>().WithOne().HasForeignKey<GroupSkillTuning>(t => t.GroupId).OnDelete(DeleteBehavior.Cascade);
    }
}
