using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ClawGroups.Testing.Waiting;

namespace ClawGroups.Web.Tests.A2a;

/// <summary>A group on a running app with an A2A agent registered by its card URL, over the REST API as a client sees it.</summary>
internal sealed class A2aGroup
{
    private A2aGroup(HttpClient owner, string groupId, string agentId) => (Owner, GroupId, AgentId) = (owner, groupId, agentId);

    public HttpClient Owner { get; }

    public string GroupId { get; }

    public string AgentId { get; }

    public static async Task<A2aGroup> StartAsync(ClawAppFactory app, FakeA2aAgent agent, bool requireReview = true)
    {
        var owner = app.OwnerHttpClient();
        var group = await owner.PostAsJsonAsync("/api/v1/groups", new { name = $"a2a {Guid.NewGuid():N}", requireReview });
        group.EnsureSuccessStatusCode();
        var groupId = (await group.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var registered = await RegisterAsync(owner, groupId, new { delivery = "a2a", cardUrl = agent.CardUrl });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        return new A2aGroup(owner, groupId, (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("agentId").GetString()!);
    }

    /// <summary>Registers with a fresh join token of the group; the answer as it came.</summary>
    public static async Task<HttpResponseMessage> RegisterAsync(HttpClient owner, string groupId, object body)
    {
        var token = await owner.PostAsJsonAsync($"/api/v1/groups/{groupId}/join-tokens", new { expiresInMinutes = 10, maxUses = 5 });
        token.EnsureSuccessStatusCode();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agents") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
        return await owner.SendAsync(request);
    }

    public async Task<string> CreateItemAsync(string title, string description = "")
    {
        var created = await Owner.PostAsJsonAsync($"/api/v1/groups/{GroupId}/work-items", new { title, description });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> GetItemAsync(string itemId) => await Owner.GetFromJsonAsync<JsonElement>($"/api/v1/work-items/{itemId}");

    public Task<JsonElement> WaitForItemAsync(string itemId, Func<JsonElement, bool> condition, string what)
        => Eventually.ReachAsync(() => GetItemAsync(itemId), condition, what, TimeSpan.FromSeconds(40));

    public Task<JsonElement> WaitForStateAsync(string itemId, string state)
        => WaitForItemAsync(itemId, item => item.GetProperty("state").GetString() == state, $"work item {itemId} to be {state}");

    /// <summary>Waits until the agent holds a task for the item (the offer went out as SendMessage) and returns its id.</summary>
    public static Task<string> WaitForTaskAsync(FakeA2aAgent agent)
        => Eventually.ReachAsync(() => Task.FromResult(agent.Tasks.Keys.SingleOrDefault()), id => id is not null, "the agent's task", TimeSpan.FromSeconds(40))!;
}
