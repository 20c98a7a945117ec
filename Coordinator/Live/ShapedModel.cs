using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ClawGroups.Coordinator.Live;

/// <summary>One model's tables, as far as these statements may write them, and the statements made for it so far.</summary>
internal sealed class ShapedModel
{
    private readonly ConcurrentDictionary<IEntityType, ShapedTable?> _tables = new();

    public ConcurrentDictionary<(IEntityType Entity, EntityState State, ulong Columns), ShapedStatement> Statements { get; } = new();

    public ShapedTable? TableOf(IEntityType entity) => _tables.GetOrAdd(entity, ShapedTable.Of);
}
