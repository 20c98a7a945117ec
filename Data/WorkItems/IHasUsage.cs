namespace ClawGroups.Data.WorkItems;

/// <summary>
/// An entity that holds a <see cref="WorkItems.Usage"/> (an item, an attempt) and stores it as three plain properties, each
/// reading and writing the usage's own value. Code in memory works with <see cref="Usage"/>; queries name the plain
/// properties, which are what EF Core maps.
/// </summary>
/// <remarks>
/// Not an EF Core complex property, as it was until the thirty-first session: EF's update pipeline takes every saved row of a
/// type with a complex property for one that may share its table with others (table splitting), and for each of the row's
/// ~40 columns walks the column's property mappings through three LINQ iterators and a set
/// (<c>ModificationCommand.InitializeSharedColumns</c>), on every save of every item and attempt. Under the swarm that was
/// about a tenth of the bytes the server allocated (docs/PERFORMANCE.md, "An item's usage in plain columns; a save's second
/// look for changes"; decision 0049).
/// </remarks>
public interface IHasUsage
{
    Usage Usage { get; }

    long UsageInputTokens { get; set; }

    long UsageOutputTokens { get; set; }

    decimal UsageCostUsd { get; set; }
}
