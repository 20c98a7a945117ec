using ClawGroups.Data.Accounts;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Budgets;
using ClawGroups.Data.Groups;
using ClawGroups.Data.Idempotency;
using ClawGroups.Data.Trail;
using ClawGroups.Data.Webhooks;
using ClawGroups.Data.WorkItems;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ClawGroups.Data.Database;

/// <summary>The one database of Claw Groups, on PostgreSQL (production) or SQLite (the embedded default).</summary>
public class ClawDbContext(DbContextOptions<ClawDbContext> options)
    : IdentityDbContext<ClawUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    /// <summary>
    /// ASP.NET Core Data Protection keys. Kept in the database so that protected webhook secrets and sign-in
    /// cookies survive restarts and are shared by every node.
    /// </summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<PersonalAccessToken> PersonalAccessTokens => Set<PersonalAccessToken>();

    public DbSet<Group> Groups => Set<Group>();

    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();

    public DbSet<JoinToken> JoinTokens => Set<JoinToken>();

    public DbSet<GroupSkillTuning> GroupSkillTunings => Set<GroupSkillTuning>();

    public DbSet<Agent> Agents => Set<Agent>();

    public DbSet<AgentSkill> AgentSkills => Set<AgentSkill>();

    public DbSet<AgentSkillReading> AgentSkillReadings => Set<AgentSkillReading>();

    public DbSet<WorkItem> WorkItems => Set<WorkItem>();

    public DbSet<WorkItemDependency> WorkItemDependencies => Set<WorkItemDependency>();

    public DbSet<WorkItemReadingWords> WorkItemReadingWords => Set<WorkItemReadingWords>();

    public DbSet<Assignment> Assignments => Set<Assignment>();

    public DbSet<Artifact> Artifacts => Set<Artifact>();

    public DbSet<TrailEvent> TrailEvents => Set<TrailEvent>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<DeliveryAttempt> DeliveryAttempts => Set<DeliveryAttempt>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    public DbSet<BudgetAlert> BudgetAlerts => Set<BudgetAlert>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        using var detected = DetectChangesOnce();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        using var detected = DetectChangesOnce();
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// Detects the unit of work's changes once, bumps the versions, and leaves detection off for the rest of the save. Left
    /// on, EF Core walks every tracked entity again on each look at the change tracker within one save (the versions here,
    /// the live-change capture's look and its list, the save itself): four walks or more where one tells the same, since
    /// nothing in a save changes the entities but the versions, and those are set here through the tracker. Detection is off
    /// before the versions are bumped: their look at the tracker made a second walk on every save until the thirty-first
    /// session.
    /// </summary>
    private DetectionPause DetectChangesOnce()
    {
        if (ChangeTracker.AutoDetectChangesEnabled)
        {
            ChangeTracker.DetectChanges();
        }

        var pause = DetectionPause.Begin(ChangeTracker);
        try
        {
            BumpVersions();
        }
        catch
        {
            pause.Dispose();
            throw;
        }

        return pause;
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(ClawDbContext).Assembly);

        // Our Guid keys are made by the code (time-ordered, Guid.CreateVersion7) before an entity is saved. Saying
        // so lets EF Core treat an entity with a key that it finds through a navigation as new, not as an update.
        // (Accounts keep Identity's own convention.)
        foreach (var entity in builder.Model.GetEntityTypes()
                     .Where(e => e.ClrType.Namespace?.StartsWith("ClawGroups.Data", StringComparison.Ordinal) == true && e.ClrType != typeof(ClawUser)))
        {
            if (entity.FindPrimaryKey()?.Properties is [{ ClrType: var type } key] && type == typeof(Guid))
            {
                key.ValueGenerated = Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never;
            }

            foreach (var list in entity.GetProperties().Where(p => p.ClrType == typeof(List<string>)))
            {
                list.SetValueComparer(typeof(TextListComparer));
            }
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name: an operator reading the database sees "InProgress", not 3,
        // and adding a member never renumbers stored rows.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);

        if (Database.IsSqlite())
        {
            // SQLite has no date/time or decimal type: EF Core would store text, which cannot be compared
            // or ordered in SQL. A binary-encoded long keeps "heartbeat older than …" an indexed query.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
            configurationBuilder.Properties<decimal>().HaveConversion<DecimalAsDoubleConverter>();
        }
    }

    private void BumpVersions()
    {
        foreach (var entry in ChangeTracker.Entries<IVersioned>())
        {
            if (entry.State == EntityState.Modified)
            {
                // Through the tracker, so the save writes it without detecting changes again.
                entry.Property(nameof(IVersioned.Version)).CurrentValue = entry.Entity.Version + 1;
            }
        }
    }
}
