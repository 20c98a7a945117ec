using System.Collections.Concurrent;
using ClawGroups.Coordinator.Cluster;

namespace ClawGroups.Coordinator.Credentials;

/// <summary>The agent an agent key belongs to, as authentication reads it.</summary>
public sealed record AgentKeyHolder(Guid Id, Guid GroupId, string Name, DateTimeOffset? RevokedAt);

/// <summary>
/// The agents whose keys authenticated lately, by the key's hash. A swarm's agent calls several times a second, and reading
/// the agents table afresh for each call to learn what the last call learned was ~8 % of the server's CPU (decision 0040).
/// A key is forgotten when its agent's key is rotated or the agent revoked (<see cref="Forget"/>): on the node that made the
/// change once it commits, and on the others when the NOTIFY sent in the same transaction reaches them
/// (<see cref="IClusterBus.AgentKeyChangedAsync"/>). A node forgets every key when its listener (re)connects, as it may have
/// missed such a message while away, and every key is read again after <see cref="Lifetime"/> in any case, which bounds how
/// long a node whose listener is away accepts an old key. Only keys that authenticated are kept: unknown and revoked keys are
/// read each time, so guessing keys cannot fill the cache.
/// </summary>
public sealed class AgentKeyCache(TimeProvider time)
{
    /// <summary>How long a key is believed without reading it again, whatever the cluster says.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Keys kept at most (~400 bytes each with the hash's text, the agent's name and the map's entry: ~40 MB at most); past it
    /// the cache starts over, cheaper than tracking recency on every call.
    /// </summary>
    public const int MaxKeys = 100_000;

    // When each key was read, by the monotonic clock: a wall clock set back would stretch the lifetime.
    private readonly ConcurrentDictionary<string, (AgentKeyHolder Holder, long ReadAt)> _byHash = new(StringComparer.Ordinal);
    private long _forgotten;

    /// <summary>Taken before a caller reads a key from the database, and given back to <see cref="Keep"/> with what it read.</summary>
    public long Stamp => Interlocked.Read(ref _forgotten);

    /// <summary>The agent the key's hash belongs to, when it authenticated within <see cref="Lifetime"/> and has not been forgotten since.</summary>
    public AgentKeyHolder? Find(string keyHash)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        return _byHash.TryGetValue(keyHash, out var kept) && time.GetElapsedTime(kept.ReadAt) < Lifetime ? kept.Holder : null;
    }

    /// <summary>
    /// Keeps what a caller read for a key, unless the agent is revoked or some key was forgotten since the caller took
    /// <paramref name="stampBeforeRead"/>: its read may then predate the rotation or the revocation.
    /// </summary>
    public void Keep(string keyHash, AgentKeyHolder holder, long stampBeforeRead)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        ArgumentNullException.ThrowIfNull(holder);
        if (holder.RevokedAt is not null)
        {
            return;
        }

        if (_byHash.Count >= MaxKeys)
        {
            _byHash.Clear();
        }

        _byHash[keyHash] = (holder, time.GetTimestamp());
        // Checked after writing, as Forget counts before removing: whichever of the two runs second removes the entry.
        if (Stamp != stampBeforeRead)
        {
            _byHash.TryRemove(keyHash, out _);
        }
    }

    /// <summary>The agent's key was rotated or the agent revoked, here or on another node: forgets its keys.</summary>
    public void Forget(Guid agentId)
    {
        Interlocked.Increment(ref _forgotten);
        // A scan: keys change rarely (a rotation, a revocation), and indexing by agent would cost every call that keeps one.
        foreach (var (hash, kept) in _byHash)
        {
            if (kept.Holder.Id == agentId)
            {
                _byHash.TryRemove(hash, out _);
            }
        }
    }

    /// <summary>Forgets every key: this node may have missed another's change (its listener was away).</summary>
    public void ForgetAll()
    {
        Interlocked.Increment(ref _forgotten);
        _byHash.Clear();
    }
}
