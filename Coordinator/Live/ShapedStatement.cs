using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ClawGroups.Coordinator.Live;

/// <summary>
/// One shape's statement, built once as EF builds a compiled query's: its parameters carry their properties' type
/// mappings, so each value is converted as a tracked save converts it (times as numbers, enums as names on SQLite).
/// </summary>
internal sealed class ShapedStatement
{
    public const string KeyParameter = "k";
    public const string VersionParameter = "v";
    private static readonly string[] Names = Enumerable.Range(0, 64).Select(i => $"p{i}").ToArray();

    private ShapedStatement(IRelationalCommand command, IProperty[] columns, IProperty? matches, IProperty? generatedKey, IProperty? version)
    {
        Command = command;
        Columns = columns;
        Matches = matches;
        GeneratedKey = generatedKey;
        Version = version;
    }

    public IRelationalCommand Command { get; }

    /// <summary>The columns written, in the order of their parameters.</summary>
    public IProperty[] Columns { get; }

    /// <summary>An update's key, which with its version picks the row; null for an insert.</summary>
    public IProperty? Matches { get; }

    public IProperty? GeneratedKey { get; }

    public IProperty? Version { get; }

    public bool ReturnsKey => GeneratedKey is not null;

    public static string ParameterName(int index) => Names[index];

    public static ShapedStatement Make(ClawDbContext context, string text, IProperty[] columns, IProperty? matches, IProperty? generatedKey, IProperty? version)
    {
        var builder = context.GetService<IRelationalCommandBuilderFactory>().Create().Append(text);
        var sql = context.GetService<ISqlGenerationHelper>();
        for (var i = 0; i < columns.Length; i++)
        {
            AddParameter(builder, sql, ParameterName(i), columns[i]);
        }

        if (matches is not null)
        {
            AddParameter(builder, sql, KeyParameter, matches);
            AddParameter(builder, sql, VersionParameter, version!);
        }

        return new ShapedStatement(builder.Build(), columns, matches, generatedKey, version);
    }

    private static void AddParameter(IRelationalCommandBuilder builder, ISqlGenerationHelper sql, string name, IProperty property)
        => builder.AddParameter(name, sql.GenerateParameterName(name), property.GetRelationalTypeMapping(), property.IsNullable);
}
