using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClawGroups.Data.WorkItems;

/// <summary>Maps an <see cref="IHasUsage"/>'s usage to the columns it had as a complex property, so the schema is unchanged.</summary>
internal static class UsageColumns
{
    public static void Map<TEntity>(EntityTypeBuilder<TEntity> builder)
        where TEntity : class, IHasUsage
    {
        builder.Ignore(nameof(IHasUsage.Usage));
        builder.Property<long>(nameof(IHasUsage.UsageInputTokens)).HasColumnName("Usage_InputTokens");
        builder.Property<long>(nameof(IHasUsage.UsageOutputTokens)).HasColumnName("Usage_OutputTokens");
        builder.Property<decimal>(nameof(IHasUsage.UsageCostUsd)).HasColumnName("Usage_CostUsd");
    }
}
