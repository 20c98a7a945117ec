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
    public void Circuits_showing_one_group_share_one_copy_and_one_feed_subscription_and_an_equal_read_keeps_the_held_views()
    {
        var groups = new SharedGroups(_feed);
        var item = ItemOfGroup("inProgress");
        using var first = groups.Follow(_groupId, () => { });
        using var second = groups.Follow(_groupId, () => { });

        var firstRead = Group(Online);
        first.Group.Merge(SharedGroup.Now(), firstRead, new BoardView([item], 0));
        // The second circuit read the same versions as objects of its own.
        second.Group.Merge(SharedGroup.Now(), Group(Online with { }), new BoardView([item with { }], 0));

        // Every board keeps the objects it was shown: the group compared by reference, the same view, the same member.
        Assert.Same(first.Group, second.Group);
        Assert.Same(item, second.Group.Items[item.Id]);
        Assert.Same(firstRead, second.Group.Group);
        Assert.Same(firstRead.Members[0], second.Group.Members[Agent.Id]);
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
        using var first = groups.Follow(_groupId, () => heardByFirst.TrySetResult());
        using var second = groups.Follow(_groupId, () => heardBySecond.TrySetResult());
        first.Group.Merge(SharedGroup.Now(), Group(Online), new BoardView([item], 0));
        var newer = item with { Progress = item.Progress with { Message = "Wrote the tests" }, UpdatedAt = item.UpdatedAt.AddSeconds(1) };

        await _feed.PublishAsync([new WorkItemChanged(_groupId, newer)]);
        await Task.WhenAll(heardByFirst.Task, heardBySecond.Task).WaitAsync(Patience);

        Assert.Same(newer, first.Group.Items[item.Id]);
        Assert.Same(first.Group.Items, second.Group.Items);
    }

    [Fact]
    public async Task Changes_committed_while_a_circuit_reads_are_not_undone_by_its_read()
    {
        var groups = new SharedGroups(_feed);
        var item = ItemOfGroup("inProgress");
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var following = groups.Follow(_groupId, () => heard.TrySetResult());

        // The read began, then the item moved and the agent paused, then the read (from before both) is merged.
        var readSince = SharedGroup.Now();
        await _feed.PublishAsync([
            new WorkItemChanged(_groupId, item with { State = "inReview", UpdatedAt = item.UpdatedAt.AddSeconds(1) }),
            new MemberChanged(_groupId, Online with { Status = "paused" }),
        ]);
        await heard.Task.WaitAsync(Patience);
        following.Group.Merge(readSince, Group(Online), new BoardView([item], 0));

        Assert.Equal("inReview", following.Group.Items[item.Id].State);
        Assert.Equal("paused", following.Group.Members[Agent.Id].Status);
    }

    [Fact]
    public void A_later_read_brings_what_the_feed_did_not_push()
    {
        // A person gone quiet is not pushed; a circuit opening the group later reads it, and every board shows it.
        var groups = new SharedGroups(_feed);
        using var following = groups.Follow(_groupId, () => { });
        var stylist = new MemberView("agent", Guid.NewGuid(), "stylist", "online");
        following.Group.Merge(SharedGroup.Now(), Group(Online, stylist), new BoardView([], 0));

        following.Group.Merge(SharedGroup.Now(), Group(Online with { Status = "offline" }) with { Description = "Ships the web app" }, new BoardView([], 0));

        Assert.Equal("offline", following.Group.Members[Agent.Id].Status);
        Assert.Equal("Ships the web app", following.Group.Group!.Description);
        Assert.False(following.Group.Members.ContainsKey(stylist.Id));
    }

    [Fact]
    public void The_last_circuit_to_leave_drops_the_group_and_its_subscription_and_the_next_starts_afresh()
    {
        var groups = new SharedGroups(_feed);
        var item = ItemOfGroup("ready");
        var first = groups.Follow(_groupId, () => { });
        var second = groups.Follow(_groupId, () => { });
        first.Group.Merge(SharedGroup.Now(), Group(Online), new BoardView([item], 0));

        first.Dispose();
        Assert.Equal(1, groups.Count);
        second.Dispose();
        second.Dispose();

        Assert.Equal(0, groups.Count);
        Assert.Equal(0, _feed.SubscriberCount(_groupId));
        using var third = groups.Follow(_groupId, () => { });
        Assert.NotSame(first.Group, third.Group);
        Assert.Empty(third.Group.Items);
        Assert.Null(third.Group.Group);
    }

    [Fact]
    public async Task The_group_keeps_its_newest_events_up_to_the_limit_once_each()
    {
        var groups = new SharedGroups(_feed);
        var heard = 0;
        using var following = groups.Follow(_groupId, () => Interlocked.Increment(ref heard));
        var events = Enumerable.Range(1, SharedGroup.RecentEventLimit + 10)
            .Select(id => new EventAppended(_groupId, new TrailEventView(id, DateTimeOffset.UtcNow, new ActorView("agent", Agent.Id), "workItem.progress", default)))
            .ToList();

        await _feed.PublishAsync(events);
        await _feed.PublishAsync([events[^1]]);
        await WaitUntil(() => Volatile.Read(ref heard) == 2);

        var kept = following.Group.RecentEvents;
        Assert.Equal(SharedGroup.RecentEventLimit, kept.Count);
        Assert.Equal(11, kept[0].Id);
        Assert.Equal(events[^1].Event.Id, kept[^1].Id);
    }

    [Fact]
    public async Task Items_finished_past_the_boards_limit_are_counted_not_held()
    {
        // A board open through a twelve-hour swarm would otherwise hold every item the swarm finished.
        var groups = new SharedGroups(_feed);
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var following = groups.Follow(_groupId, () => heard.TrySetResult());
        following.Group.Merge(SharedGroup.Now(), Group(Online), new BoardView([ItemOfGroup("ready")], 3));
        var finished = Enumerable.Range(0, SharedGroup.FinishedItemLimit + 5)
            .Select(minutes => ItemOfGroup("done") with { StateChangedAt = DateTimeOffset.UtcNow.AddMinutes(-minutes) })
            .ToList();

        await _feed.PublishAsync(finished.Select(item => (LiveUpdate)new WorkItemChanged(_groupId, item)).ToList());
        await heard.Task.WaitAsync(Patience);

        var held = following.Group.Items.Values.Where(item => item.State == "done").ToList();
        Assert.Equal(SharedGroup.FinishedItemLimit, held.Count);
        Assert.DoesNotContain(held, item => finished[^5..].Any(oldest => oldest.Id == item.Id));
        Assert.Equal(3 + 5, following.Group.HiddenFinished);
        Assert.Single(following.Group.Items.Values, item => item.State == "ready");
    }

    [Fact]
    public void A_view_of_another_groups_item_is_not_put_in_this_one()
    {
        var groups = new SharedGroups(_feed);
        using var following = groups.Follow(_groupId, () => { });

        following.Group.Apply(Item("ready"));

        Assert.Empty(following.Group.Items);
    }

    private static readonly MemberView Online = new("agent", Agent.Id, "pixel", "online");

    private readonly DateTimeOffset _created = DateTimeOffset.UtcNow.AddDays(-1);

    private GroupView Group(params MemberView[] members) => new(_groupId, "Web team", "", false, _created, members);

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
