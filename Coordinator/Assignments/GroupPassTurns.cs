namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// One assignment pass per group at a time on this node. Under a swarm's signals a pass is due every 250 ms while one takes
/// longer than that, so passes of one group ran side by side on the job workers, and all but the first lost the race to
/// save (seven in ten, in the swarm benchmark), each having read and scored everything first. Now a pass asked for while
/// one runs is folded into it: the running pass runs once more when it ends, and sees everything the requests saw.
/// Passes on other nodes wait for this node's turn to end (<see cref="Cluster.GroupPassLock"/>); whatever else writes the
/// group's items meets them at the database, where the item versions keep it exact.
/// </summary>
public sealed class GroupPassTurns
{
    private readonly Lock _lock = new();

    /// <summary>The groups with a pass running here, and whether it was asked for again meanwhile.</summary>
    private readonly Dictionary<Guid, bool> _running = [];

    /// <summary>Runs <paramref name="pass"/> for the group, or, when one is running, has that one run once more afterwards.</summary>
    public async Task RunAsync(Guid groupId, Func<Task> pass)
    {
        ArgumentNullException.ThrowIfNull(pass);
        lock (_lock)
        {
            if (_running.ContainsKey(groupId))
            {
                _running[groupId] = true;
                return;
            }

            _running[groupId] = false;
        }

        try
        {
            while (true)
            {
                await pass();
                lock (_lock)
                {
                    if (!_running[groupId])
                    {
                        _running.Remove(groupId);
                        return;
                    }

                    _running[groupId] = false;
                }
            }
        }
        catch
        {
            // The sweep asks again within an interval (pass jobs are not retried), so a request folded into the failed pass is
            // not lost with it.
            lock (_lock)
            {
                _running.Remove(groupId);
            }

            throw;
        }
    }

    /// <summary>True while a pass for the group runs on this node.</summary>
    public bool IsRunning(Guid groupId)
    {
        lock (_lock)
        {
            return _running.ContainsKey(groupId);
        }
    }
}
