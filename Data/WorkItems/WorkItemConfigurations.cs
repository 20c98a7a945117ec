using ClawGroups.Data.Agents;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClawGroups.Data.WorkItems;

internal sealed class WorkItemConfiguration : IEntityTypeConfiguration<WorkItem>
{
    public void Configure(EntityTypeBuilder<WorkItem> builder)
    {
        builder.Property(w => w.Title).HasMaxLength(WorkItemLimits.MaxTitleLength);
        builder.Property(w => w.ProgressMessage).HasMaxLength(WorkItemLimits.MaxProgressMessageLength);
        builder.Property(w => w.ReadingVersion).HasMaxLength(200);
        builder.Property(w => w.RoutingNotes).HasMaxLength(WorkItemLimits.MaxRoutingNotesLength);
        builder.Property(w => w.Question).HasMaxLength(WorkItemLimits.MaxProgressMessageLength);
        builder.Property(w => w.PausedReason).HasMaxLength(32);
        builder.Property(w => w.Version).IsConcurrencyToken();
        UsageColumns.Map(builder);
        builder.HasOne<WorkItem>().WithMany().HasForeignKey(w => w.ParentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(w => w.DependsOn).WithOne().HasForeignKey(d => d.WorkItemId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(w => w.Assignments).WithOne(a => a.WorkItem).HasForeignKey(a => a.WorkItemId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(w => w.Artifacts).WithOne().HasForeignKey(a => a.WorkItemId).OnDelete(DeleteBehavior.Cascade);

        // Ready items of a group in priority order: the assignment pass reads this every few seconds.
        builder.HasIndex(w => new { w.GroupId, w.State, w.Priority });
        // An agent's load.
        builder.HasIndex(w => new { w.AssigneeAgentId, w.State });
        // The sweeps' questions across groups (which groups have work to assign, to review, offers to people). State alone:
        // no query ranges over the time of the last progress, and with it in the key every progress report moved the
        // item's entry, a page or two more written at each commit (docs/decisions/0051).
        builder.HasIndex(w => w.State);
        builder.HasIndex(w => w.ParentId);
    }
}

internal sealed class WorkItemDependencyConfiguration : IEntityTypeConfiguration<WorkItemDependency>
{
    public void Configure(EntityTypeBuilder<WorkItemDependency> builder)
    {
        builder.HasKey(d => new { d.WorkItemId, d.DependsOnId });
        builder.HasOne(d => d.DependsOn).WithMany().HasForeignKey(d => d.DependsOnId).OnDelete(DeleteBehavior.Restrict);
        // "What does finishing this item unblock?"
        builder.HasIndex(d => d.DependsOnId);
    }
}

internal sealed class AssignmentConfiguration : IEntityTypeConfiguration<Assignment>
{
    public void Configure(EntityTypeBuilder<Assignment> builder)
    {
        builder.Property(a => a.Reason).HasMaxLength(2000);
        builder.Property(a => a.A2aTaskId).HasMaxLength(AssignmentLimits.MaxA2aIdLength);
        builder.Property(a => a.A2aContextId).HasMaxLength(AssignmentLimits.MaxA2aIdLength);
        builder.Property(a => a.A2aPushTokenHash).HasMaxLength(64);
        builder.Property(a => a.A2aLastUpdate).HasMaxLength(AssignmentLimits.MaxA2aIdLength);
        builder.Property(a => a.SkillArea).HasMaxLength(AgentLimits.MaxSkillIdLength);
        builder.Property(a => a.Version).IsConcurrencyToken();
        UsageColumns.Map(builder);
        builder.HasIndex(a => new { a.WorkItemId, a.Attempt });
        // Track record per member, and an agent's open attempts (its leases, renewed on a heartbeat). An agent's breaker reads
        // its failures and its latest completion on every result: with EndedAt in the key that is a range, not all of the
        // agent's attempts. No index holds the lease's end: no query looks attempts up by it, and every progress report
        // moves it (docs/decisions/0051).
        builder.HasIndex(a => new { a.AgentId, a.Outcome, a.EndedAt });
        // A person's attempts only: an agent's, with no person, would be entries every result moves for no query to read.
        builder.HasIndex(a => new { a.UserId, a.Outcome }).HasFilter("\"UserId\" IS NOT NULL");
        // The feedback job reads a group's newest finished assignments.
        builder.HasIndex(a => new { a.GroupId, a.EndedAt });
    }
}

internal sealed class ArtifactConfiguration : IEntityTypeConfiguration<Artifact>
{
    public void Configure(EntityTypeBuilder<Artifact> builder)
    {
        builder.Property(a => a.Name).HasMaxLength(WorkItemLimits.MaxArtifactNameLength);
        builder.Property(a => a.MediaType).HasMaxLength(WorkItemLimits.MaxArtifactMediaTypeLength);
        builder.HasIndex(a => a.WorkItemId);
    }
}

internal sealed class WorkItemReadingWordsConfiguration : IEntityTypeConfiguration<WorkItemReadingWords>
{
    public void Configure(EntityTypeBuilder<WorkItemReadingWords> builder)
    {
        builder.HasKey(r => r.WorkItemId);
        builder.HasOne<WorkItem>().WithOne().HasForeignKey<WorkItemReadingWords>(r => r.WorkItemId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(r => r.ReadingVersion).HasMaxLength(200);
        builder.Property(r => r.TextHash).HasMaxLength(32);
    }
}
