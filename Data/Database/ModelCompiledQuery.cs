using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ClawGroups.Data.Database;

/// <summary>
/// A query compiled once per EF model (<c>EF.CompileAsyncQuery</c>) for reads that run on every request: EF otherwise builds,
/// walks and hashes the query's expression tree on each execution. A compiled query serves the one model it first ran
/// against and throws on another, and a process can hold two (the SQLite and the PostgreSQL model, side by side in the
/// tests), so each model gets its own.
/// </summary>
public sealed class ModelCompiledQuery<TQuery>(Func<TQuery> compile)
    where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _byModel = [];

    public TQuery For(DbContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _byModel.GetValue(context.Model, _ => compile());
    }
}
