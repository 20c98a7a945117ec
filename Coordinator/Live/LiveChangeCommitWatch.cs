using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ClawGroups.Coordinator.Live;

/// <summary>Tells <see cref="LiveChangeCapture"/> when an explicit transaction ends, so changes saved in it are announced only once committed.</summary>
public sealed class LiveChangeCommitWatch(LiveChangeCapture capture) : DbTransactionInterceptor
{
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
        => capture.Committed(eventData?.Context);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        capture.Committed(eventData?.Context);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
        => capture.RolledBack(eventData?.Context);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        capture.RolledBack(eventData?.Context);
        return Task.CompletedTask;
    }
}
