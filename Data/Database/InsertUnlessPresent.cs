namespace ClawGroups.Data.Database;

/// <summary>
/// <c>INSERT … ON CONFLICT DO NOTHING</c> for one row or many (SQLite and PostgreSQL both have it): a unique index decides, in one
/// statement, whether the row is new — no read before the insert, and no failed save on a repeat, which EF would log as an
/// error although the repeat is expected (PostgreSQL makes a second insert wait for a concurrent first one to commit). EF has
/// no "insert unless present". The statement is written from the model, so its table, columns and value conversions (SQLite
/// keeps times as numbers and ids as text) are the ones a tracked insert would use: it is <see cref="RowsInOneStatement"/>'s
/// writing of rows, with the conflict left alone.
/// </summary>
public static class InsertUnlessPresent
{
    /// <summary>Inserts <paramref name="row"/> unless a row with one of its unique keys exists; true when this call inserted it.</summary>
    public static async Task<bool> InsertUnlessPresentAsync<TEntity>(this ClawDbContext db, TEntity row, CancellationToken cancellationToken)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(row);
        return await db.InsertRowsUnlessPresentAsync<TEntity>([row], cancellationToken) == 1;
    }

    /// <summary>
    /// Inserts each of <paramref name="rows"/> unless a row with one of its unique keys exists (an earlier one of these among
    /// them), in as few statements as the parameter limit allows; returns how many were inserted.
    /// </summary>
    public static async Task<int> InsertRowsUnlessPresentAsync<TEntity>(this ClawDbContext db, IReadOnlyList<TEntity> rows, CancellationToken cancellationToken)
        where TEntity : class
        => await db.InsertAsync(rows, unlessPresent: true, cancellationToken);
}
