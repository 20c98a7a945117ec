using ClawGroups.Coordinator.Live;
using Microsoft.AspNetCore.SignalR;

namespace ClawGroups.Web.Live;

/// <summary>Sends each live update to the hub connections that joined its group.</summary>
internal sealed class GroupHubSink(IHubContext<GroupsHub> hub, HubFollowers followers) : ILiveSink
{
    public bool Follows(Guid groupId) => followers.Follows(groupId);

    public async Task PublishAsync(IReadOnlyList<LiveUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        foreach (var update in updates)
        {
            await hub.Clients.Group(GroupsHub.GroupName(update.GroupId)).SendAsync(update.MethodName, update.Payload);
        }
    }
}
