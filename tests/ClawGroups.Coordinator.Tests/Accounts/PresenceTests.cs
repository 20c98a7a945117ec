using ClawGroups.Coordinator.Accounts;

namespace ClawGroups.Coordinator.Tests.Accounts;

public sealed class PresenceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Someone_seen_just_now_is_online_and_busy_while_holding_work()
    {
        Assert.Equal("online", PresenceService.StatusOf(Now.AddSeconds(-20), load: 0, Now));
        Assert.Equal("busy", PresenceService.StatusOf(Now.AddSeconds(-20), load: 2, Now));
    }

    [Fact]
    public void Someone_who_closed_the_workspace_or_went_quiet_is_offline_even_holding_work()
    {
        Assert.Equal("offline", PresenceService.StatusOf(null, load: 1, Now));
        Assert.Equal("offline", PresenceService.StatusOf(Now - PresenceService.OnlineWindow - TimeSpan.FromSeconds(1), load: 0, Now));
    }

    [Fact]
    public void An_open_workspace_refreshes_well_within_the_online_window()
        => Assert.True(PresenceService.RefreshEvery * 2 < PresenceService.OnlineWindow, "one lost refresh must not make a person look offline");
}
