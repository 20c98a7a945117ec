using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.Live;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Web.Components.Workspace;
using Microsoft.Extensions.Logging.Abstractions;
using static ClawGroups.Web.Tests.Components.WorkItems;

namespace ClawGroups.Web.Tests.Workspace;

public sealed class SharedGroupsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly GroupFeed _feed = new(NullLogger<GroupFeed>.Instance);
    private readonly Guid _groupId = Guid.NewGuid();

    [Fact]
    public async Task Circuits_showing_one_group_share_one_copy_loaded_once_and_one_feed_subscription()
    {
        var groups = new SharedGroups(_feed);
        var item = ItemOfGroup("inProgress");
        var loads = 0;

        var (first, _) = await groups.FollowAsync(_groupId, () => Load(ref loads, item), () => { });
        var (second, _) = await groups.FollowAsync(_groupId, () => Load(ref loads, item), () => { });

        Assert.Equal(1, loads);
        Assert.Same(first!.Group, second!.Group);
        Assert.Same(item, second.Group.Items[item.Id]);
        Assert.Equal(1, _feed.SubscriberCount(_groupId));
        Assert.Equal("pixel", second.Group.Members.Values.Single().Name);
    }

    [Fact]
    public async Task A_live_update_is_applied_once_and_every_follower_hears_of_it()
    {
        var groups = new SharedGroups(_feed);
        var item = ItemOfGroup("inProgress");
        var heardByFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var heardBySecond = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loads = 0;
        var (first, _) = await groups.FollowAsync(_groupId, () => Load(ref loads, item), () => heardByFirst.TrySetResult());
        var (second, _) = await groups.FollowAsync(_groupId, () => Load(ref loads, item), () => heardBySecond.TrySetResult());
        var newer = item with { Progress = item.Progress with { Message = "Wrote the tests" }, UpdatedAt = item.UpdatedAt.AddSeconds(1) };

        await _feed.PublishAsync([new WorkItemChanged(_groupId, newer)]);
        await Task.WhenAll(heardByFirst.Task, heardBySecond.Task).WaitAsync(Patience);

        Assert.Same(newer, first!.Group.Items[item.Id]);
        Assert.Same(first.Group.Items, second!.Group.Items);
    }

    [Fact]
    public async Task A_change_committed_while_the_group_loads_is_not_undone_by_the_load()
    {
        var groups = new SharedGroups(_feed);
        var item = ItemOfGroup("inProgress");
        var newer = item with { State = "inReview", UpdatedAt = item.UpdatedAt.AddSeconds(1) };
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var (following, _) = await groups.FollowAsync(_groupId, async () =>
        {
            // The load read the item before the change committed, and returns after the change was published.
            await _feed.PublishAsync([new WorkItemChanged(_groupId, newer)]);
            await heard.Task.WaitAsync(Patience);
            return (Group(), new BoardView([item], 0));
        }, () => heard.TrySetResult());

        Assert.Equal("inReview", following!.Group.Items[item.Id].State);
    }

    [Fact]
    public async Task The_last_circuit_to_leave_drops_the_group_and_its_subscription_and_the_next_loads_it_afresh()
    {
        var groups = new SharedGroups(_feed);
        var item = ItemOfGroup("ready");
        var loads = 0;
        var (first, _) = await groups.FollowAsync(_groupId, () => Load(ref loads, item), () => { });
        var (second, _) = await groups.FollowAsync(_groupId, () => Load(ref loads, item), () => { });

        first!.Dispose();
        Assert.Equal(1, groups.Count);
        second!.Dispose();
        second.Dispose();

        Assert.Equal(0, groups.Count);
        Assert.Equal(0, _feed.SubscriberCount(_groupId));
        var (third, _) = await groups.FollowAsync(_groupId, () => Load(ref loads, item), () => { });
        Assert.Equal(2, loads);
        Assert.NotSame(first.Group, third!.Group);
    }

    [Fact]
    public async Task A_load_that_fails_is_its_own_circuits_failure_and_a_circuit_waiting_on_it_loads_for_itself()
    {
        var groups = new SharedGroups(_feed);
        var item = ItemOfGroup("ready");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failure = new Failure(FailureKind.NotFound, "Unknown group", "Gone while loading.");
        var loads = 0;

        var failing = groups.FollowAsync(_groupId, async () =>
        {
            await release.Task;
            return failure;
        }, () => { });
        var waiting = groups.FollowAsync(_groupId, () => Load(ref loads, item), () => { });
        Assert.False(waiting.IsCompleted);
        release.SetResult();

        Assert.Same(failure, (await failing).Failure);
        var (following, noFailure) = await waiting;
        Assert.Null(noFailure);
        Assert.Equal(1, loads);
        Assert.Same(item, following!.Group.Items[item.Id]);
    }

    [Fact]
    public async Task The_group_keeps_its_newest_events_up_to_the_limit_once_each()
    {
        var groups = new SharedGroups(_feed);
        var loads = 0;
        var heard = 0;
        var (following, _) = await groups.FollowAsync(_groupId, () => Load(ref loads, ItemOfGroup("ready")), () => Interlocked.Increment(ref heard));
        var events = Enumerable.Range(1, SharedGroup.RecentEventLimit + 10)
            .Select(id => new EventAppended(_groupId, new TrailEventView(id, DateTimeOffset.UtcNow, new ActorView("agent", Agent.Id), "workItem.progress", default)))
            .ToList();

        await _feed.PublishAsync(events);
        await _feed.PublishAsync([events[^1]]);
        await WaitUntil(() => Volatile.Read(ref heard) == 2);

        var kept = following!.Group.RecentEvents;
        Assert.Equal(SharedGroup.RecentEventLimit, kept.Count);
        Assert.Equal(11, kept[0].Id);
        Assert.Equal(events[^1].Event.Id, kept[^1].Id);
    }

    private Task<Outcome<(GroupView Group, BoardView Board)>> Load(ref int loads, WorkItemView item)
    {
        loads++;
        return Task.FromResult<Outcome<(GroupView Group, BoardView Board)>>((Group(), new BoardView([item], 0)));
    }

    private GroupView Group() => new(_groupId, "Web team", "", false, DateTimeOffset.UtcNow, [new MemberView("agent", Agent.Id, "pixel", "online")]);

    private WorkItemView ItemOfGroup(string state) => Item(state, Agent) with { GroupId = _groupId };

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The feed did not deliver in time.");
            await Task.Delay(10);
        }
    }
}
