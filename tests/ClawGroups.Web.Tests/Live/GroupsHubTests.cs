using System.Collections.Concurrent;
using System.Text.Json;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Coordinator.Accounts;
using ClawGroups.Testing.Waiting;
using ClawGroups.Web.Tests.Accounts;
using ClawGroups.Web.Tests.Api;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ClawGroups.Web.Tests.Live;

/// <summary>The hub of docs/API.md "Live updates", over real WebSockets: every change reaches joined clients.</summary>
[Collection(WebTestCollection.Name)]
public sealed class GroupsHubTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>The states an item passes through when nothing goes wrong, in order.</summary>
    private static readonly string[] Lifecycle = ["ready", "assigned", "inProgress", "inReview", "done"];
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_joined_client_sees_an_item_created_assigned_and_finished_with_its_events_and_the_agent()
    {
        await using var scenario = await ApiScenario.StartAsync(_app, requireReview: false);
        await using var live = await LiveClient.ConnectAsync(_app, ClawAppFactory.BootstrapToken);
        await live.Connection.InvokeAsync("JoinGroup", Guid.Parse(scenario.Group.Id));

        var agent = await scenario.StartAgentAsync("builder", SkillProfiles.Backend, AgentDelivery.Pull);
        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Add an index to orders"));
        await scenario.WaitForStateAsync(item.Id, WorkItemStates.Done, Deadline);

        await Eventually.ReachAsync(() => Task.FromResult(live.ItemStates(item.Id)), s => s.Contains("done"), "workItemChanged up to done", Deadline);

        // Each push carries the item as it is when sent, so a burst (created and assigned within one batch) arrives
        // as its latest state; what a client must be able to rely on is that the states it sees never go backwards.
        var states = live.ItemStates(item.Id);
        var ranks = states.Select(s => Array.IndexOf(Lifecycle, s)).ToList();
        Assert.DoesNotContain(-1, ranks);
        Assert.True(ranks.SequenceEqual(ranks.Order()), $"states in lifecycle order, got {string.Join(",", states)}");
        await Eventually.ReachAsync(() => Task.FromResult(live.Events), events => events.Any(e => e.GetProperty("type").GetString() == "work.result"),
            "the result's event", Deadline);
        Assert.Contains(live.Events, e => e.GetProperty("type").GetString() == "work.assigned"
                                          && e.GetProperty("workItemId").GetString() == item.Id);
        Assert.Contains(live.Members, m => m.GetProperty("id").GetString() == agent.AgentId && m.GetProperty("kind").GetString() == "agent");
    }

    [Fact]
    public async Task An_item_nobody_can_take_yet_is_pushed_as_ready()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        await using var live = await LiveClient.ConnectAsync(_app, ClawAppFactory.BootstrapToken);
        await live.Connection.InvokeAsync("JoinGroup", Guid.Parse(scenario.Group.Id));

        var item = await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Wait for an agent"));

        var states = await Eventually.ReachAsync(() => Task.FromResult(live.ItemStates(item.Id)), s => s.Count > 0, "workItemChanged", Deadline);
        Assert.Equal(["ready"], states);
    }

    [Fact]
    public async Task A_person_joining_a_group_they_are_not_in_is_refused_and_gets_nothing()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var outsider = await _app.CreatePersonAsync("Outsider");
        var token = await _app.RunAsync<AccessTokenService, AccessTokenCreated>(
            tokens => tokens.CreateAsync(outsider, new CreateAccessTokenRequest("hub", null), CancellationToken.None));
        await using var live = await LiveClient.ConnectAsync(_app, token.Value!.Token);

        var refused = await Assert.ThrowsAsync<HubException>(() => live.Connection.InvokeAsync("JoinGroup", Guid.Parse(scenario.Group.Id)));
        await scenario.Human.CreateWorkItemAsync(scenario.Group.Id, new CreateWorkItem("Private work"));

        Assert.Contains("not a member", refused.Message, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(live.Items);
    }

    [Fact]
    public async Task An_agent_may_not_watch_its_groups_stream_which_holds_other_agents_work()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var agent = await scenario.StartAgentAsync("curious", SkillProfiles.Backend, AgentDelivery.Pull, AgentBehaviour.Silent);
        await using var live = await LiveClient.ConnectAsync(_app, agent.Registration!.ApiKey);

        var refused = await Assert.ThrowsAsync<HubException>(() => live.Connection.InvokeAsync("JoinGroup", Guid.Parse(scenario.Group.Id)));

        Assert.Contains("webhook or pull", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Renaming_the_group_reaches_joined_clients_as_group_changed()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var renamed = new ConcurrentQueue<JsonElement>();
        await using var live = await LiveClient.ConnectAsync(_app, ClawAppFactory.BootstrapToken);
        live.Connection.On<JsonElement>("groupChanged", renamed.Enqueue);
        await live.Connection.InvokeAsync("JoinGroup", Guid.Parse(scenario.Group.Id));

        using var owner = _app.OwnerHttpClient();
        var patched = await owner.PatchAsync(new Uri($"/api/v1/groups/{scenario.Group.Id}", UriKind.Relative),
            System.Net.Http.Json.JsonContent.Create(new { name = "Night shift" }));
        patched.EnsureSuccessStatusCode();

        // The group's creation may still be on its way too; the rename must arrive after it.
        var changes = await Eventually.ReachAsync(
            () => Task.FromResult(renamed.ToList()), r => r.Any(c => c.GetProperty("name").GetString() == "Night shift"), "groupChanged", Deadline);
        Assert.Equal("Night shift", changes[^1].GetProperty("name").GetString());
        Assert.Equal(scenario.Group.Id, changes[^1].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Connecting_without_credentials_is_refused()
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(_app.BaseAddress, "/hubs/groups")).Build();

        var refused = await Record.ExceptionAsync(() => connection.StartAsync());

        Assert.IsType<HttpRequestException>(refused);
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
        await connection.DisposeAsync();
    }

    /// <summary>A hub client that records what the server sends, as an outside dashboard would.</summary>
    private sealed class LiveClient : IAsyncDisposable
    {
        private readonly ConcurrentQueue<JsonElement> _items = new();
        private readonly ConcurrentQueue<JsonElement> _members = new();
        private readonly ConcurrentQueue<JsonElement> _events = new();

        private LiveClient(HubConnection connection)
        {
            Connection = connection;
            connection.On<JsonElement>("workItemChanged", _items.Enqueue);
            connection.On<JsonElement>("memberChanged", _members.Enqueue);
            connection.On<JsonElement>("eventAppended", _events.Enqueue);
        }

        public HubConnection Connection { get; }

        public IReadOnlyList<JsonElement> Items => _items.ToList();

        public IReadOnlyList<JsonElement> Members => _members.ToList();

        public IReadOnlyList<JsonElement> Events => _events.ToList();

        public static async Task<LiveClient> ConnectAsync(ClawAppFactory app, string token)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(app.BaseAddress, "/hubs/groups"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .Build();
            var client = new LiveClient(connection);
            await connection.StartAsync();
            return client;
        }

        /// <summary>The item's states in the order the pushes arrived, without repeats in a row.</summary>
        public List<string> ItemStates(string workItemId)
        {
            var states = new List<string>();
            foreach (var item in _items.Where(i => i.GetProperty("id").GetString() == workItemId))
            {
                var state = item.GetProperty("state").GetString()!;
                if (states.Count == 0 || states[^1] != state)
                {
                    states.Add(state);
                }
            }

            return states;
        }

        public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
    }
}
