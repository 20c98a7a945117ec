using System.Collections;
using ClawGroups.Data.Database;
using ClawGroups.Testing.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace ClawGroups.Data.Tests;

public sealed class EntityRoundTripTests
{
    [Theory]
    [MemberData(nameof(ProviderData.Both), MemberType = typeof(ProviderData))]
    public async Task Every_entity_reads_back_with_every_column_as_written(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateMigratedAsync(provider);
        var graph = SampleGraph.Create();
        List<(Type Type, object[] Key, Dictionary<string, object?> Values)> written;
        await using (var context = database.NewContext())
        {
            graph.AddTo(context);
            await context.SaveChangesAsync();
            written = context.ChangeTracker.Entries().Select(e => (e.Metadata.ClrType, KeyOf(e), ValuesOf(e))).ToList();
        }

        var entityTypes = written.Select(w => w.Type).Distinct().ToList();
        Assert.Equal(15, entityTypes.Count);
        await using var reader = database.NewContext();
        foreach (var (type, key, values) in written)
        {
            var entity = await reader.FindAsync(type, key);
            Assert.True(entity is not null, $"{type.Name} {string.Join(",", key)} was not found after saving");
            var read = ValuesOf(reader.Entry(entity));
            foreach (var (column, expected) in values)
            {
                Assert.True(SameValue(expected, read[column]),
                    $"{type.Name}.{column}: wrote {Describe(expected)}, read {Describe(read[column])}");
            }
        }
    }

    private static object[] KeyOf(EntityEntry entry)
        => entry.Metadata.FindPrimaryKey()!.Properties.Select(p => entry.Property(p.Name).CurrentValue!).ToArray();

    private static Dictionary<string, object?> ValuesOf(EntityEntry entry)
    {
        var values = entry.Properties.ToDictionary(p => p.Metadata.Name, p => p.CurrentValue);
        foreach (var complex in entry.ComplexProperties)
        {
            foreach (var property in complex.Properties)
            {
                values[$"{complex.Metadata.Name}.{property.Metadata.Name}"] = property.CurrentValue;
            }
        }

        return values;
    }

    private static bool SameValue(object? expected, object? actual) => (expected, actual) switch
    {
        (null, null) => true,
        (string a, string b) => a == b,
        (IEnumerable a, IEnumerable b) => a.Cast<object>().SequenceEqual(b.Cast<object>()),
        _ => Equals(expected, actual),
    };

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        IEnumerable items => $"[{string.Join(", ", items.Cast<object>())}]",
        _ => value.ToString() ?? "",
    };
}
