using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ClawGroups.Coordinator.Live;

/// <summary>Tells <see cref="LiveChangeCapture"/> when an explicit transaction ends, so changes saved in it are announced only once committed.</summary>
public sealed class LiveChangeCommitWatch(LiveChangeCapture capture) : DbTransactionInterceptor
{
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
        => capture.Committed(transaction);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        capture.Committed(transaction);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
        => capture.RolledBack(transaction);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        capture.RolledBack(transaction);
        return Task.CompletedTask;
    }
}
