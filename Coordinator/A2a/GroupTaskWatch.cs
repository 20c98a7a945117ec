using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Coordinator.A2a;

/// <summary>
/// Follows one work item through the live updates the board gets (<see cref="GroupFeed"/>): no polling. It subscribes
/// before it reads the item, so no change between the read and the first update can be missed, and drops updates older
/// than what it already gave.
/// </summary>
public sealed class GroupTaskWatch(GroupFeed feed)
{
    public async IAsyncEnumerable<WorkItemView> FollowAsync(
        Guid groupId, Guid workItemId, Func<CancellationToken, Task<WorkItemView?>> readNow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readNow);
        var changes = Channel.CreateUnbounded<WorkItemView>(new UnboundedChannelOptions { SingleReader = true });
        using var subscription = feed.Subscribe(groupId, updates =>
        {
            foreach (var changed in updates.OfType<WorkItemChanged>().Where(u => u.Item.Id == workItemId))
            {
                changes.Writer.TryWrite(changed.Item);
            }

            return Task.CompletedTask;
        });

        var last = await readNow(cancellationToken);
        if (last is null)
        {
            yield break;
        }

        yield return last;
        await foreach (var view in changes.Reader.ReadAllAsync(cancellationToken))
        {
            if (view.UpdatedAt < last.UpdatedAt)
            {
                continue;
            }

            last = view;
            yield return view;
        }
    }
}
