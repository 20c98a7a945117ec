using System.Security.Cryptography;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Api;

/// <summary>
/// Which <c>Idempotency-Key</c>s a database one process has alone (the embedded SQLite default) may hold an answer for, so
/// that a keyed request with a key never used before does not read the database to learn so: an agent's accept, progress
/// and result are keyed, and that read was one of the ~30 commands an item cost in the swarm (docs/PERFORMANCE.md, "Three
/// commands an item fewer"). A Bloom filter: it can say "maybe" of a key it was never given (then the key is read, as before),
/// never "no" of one it was. It holds every key the database held when <see cref="LoadAsync"/> read them and every answer
/// this process stored since (<see cref="IdempotencyAnswers"/> adds each before writing it, so before its claim is let go).
/// Until the load has finished it says "maybe" of every key. Fixed in size (2 MiB): past a couple of million keys it says
/// "maybe" more often, and more keyed requests read, which is slower, never wrong.
/// </summary>
public sealed class AnsweredKeys
{
    private const int Bits = 1 << 24;
    private const int Probes = 7;

    private readonly long[] _words = new long[Bits / 64];

    // Random per process: the filter lives in memory only, and no client can aim keys at the same bits.
    private readonly int _seedA = RandomNumberGenerator.GetInt32(int.MaxValue);
    private readonly int _seedB = RandomNumberGenerator.GetInt32(int.MaxValue);
    private volatile bool _loaded;

    /// <summary>Whether the keys the database held are in the filter; until then every key is a "maybe".</summary>
    public bool Loaded => _loaded;

    /// <summary>False only when no answer for the key is stored; true when one may be.</summary>
    public bool MayHave(Guid callerId, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_loaded)
        {
            return true;
        }

        var (first, step) = Hashes(callerId, key);
        for (var probe = 0; probe < Probes; probe++)
        {
            var bit = (first + ((uint)probe * step)) & (Bits - 1);
            if ((Volatile.Read(ref _words[bit >> 6]) & (1L << (int)(bit & 63))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Records that an answer for the key is stored, or about to be.</summary>
    public void Add(Guid callerId, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var (first, step) = Hashes(callerId, key);
        for (var probe = 0; probe < Probes; probe++)
        {
            var bit = (first + ((uint)probe * step)) & (Bits - 1);
            Interlocked.Or(ref _words[bit >> 6], 1L << (int)(bit & 63));
        }
    }

    /// <summary>
    /// Adds every key the database holds, then starts answering "no". Answers stored meanwhile are added as they are stored,
    /// so none falls between the read and the switch.
    /// </summary>
    public async Task LoadAsync(IDbContextFactory<ClawDbContext> contexts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        await foreach (var stored in context.IdempotencyRecords.AsNoTracking().Select(r => new { r.CallerId, r.Key }).AsAsyncEnumerable()
                           .WithCancellation(cancellationToken))
        {
            Add(stored.CallerId, stored.Key);
        }

        _loaded = true;
    }

    /// <summary>Two independent hashes for double hashing; the step is odd, so the probes never repeat a bit.</summary>
    private (uint First, uint Step) Hashes(Guid callerId, string key)
    {
        var keyHash = StringComparer.Ordinal.GetHashCode(key);
        return ((uint)HashCode.Combine(_seedA, callerId, keyHash), (uint)HashCode.Combine(keyHash, callerId, _seedB) | 1);
    }
}
