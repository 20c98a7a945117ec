using ClawGroups.Data.Groups;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClawGroups.Data.Budgets;

internal sealed class BudgetAlertConfiguration : IEntityTypeConfiguration<BudgetAlert>
{
    public const int MaxKeyLength = 200;

    public void Configure(EntityTypeBuilder<BudgetAlert> builder)
    {
        builder.Property(a => a.Key).HasMaxLength(MaxKeyLength);
        // Two reports racing past the same line raise one alert: the second insert fails and is not news.
        builder.HasIndex(a => new { a.GroupId, a.Key, a.Level }).IsUnique();
        builder.HasOne<Group>().WithMany().HasForeignKey(a => a.GroupId).OnDelete(DeleteBehavior.Cascade);
    }
}
