using System.Collections.Concurrent;
using ClawGroups.Data.Idempotency;

namespace ClawGroups.Web.Api;

/// <summary>
/// The <c>Idempotency-Key</c>s whose requests are running in this process, for a database that one process uses alone (the
/// embedded SQLite default, <see cref="Data.Database.ProcessLiveness"/>). There a claim held in memory guards a key as well as a
/// reservation row would: no other process can run a repeat, and a crash loses the claim as it would have left the row for a
/// repeat to take over. It costs no write, where the row cost one of the two turns each keyed request took at SQLite's one
/// writer, which a swarm's reports kept busy all the time (docs/PERFORMANCE.md). Several processes on PostgreSQL reserve rows.
/// </summary>
public sealed class IdempotencyClaims
{
    private readonly ConcurrentDictionary<(Guid CallerId, string Key), IdempotencyRecord> _running = new();

    /// <summary>Claims the key for <paramref name="request"/>; false, with the request that holds it, when one does.</summary>
    public bool TryClaim(IdempotencyRecord request, out IdempotencyRecord holder)
    {
        ArgumentNullException.ThrowIfNull(request);
        holder = _running.GetOrAdd((request.CallerId, request.Key), request);
        return ReferenceEquals(holder, request);
    }

    /// <summary>Lets the key go, once its answer is stored.</summary>
    public void Release(IdempotencyRecord request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _running.TryRemove(new KeyValuePair<(Guid, string), IdempotencyRecord>((request.CallerId, request.Key), request));
    }
}
