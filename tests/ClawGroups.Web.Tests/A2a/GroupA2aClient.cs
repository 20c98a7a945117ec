using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ClawGroups.Web.Tests.A2a;

/// <summary>Raw HTTP to a group's A2A endpoint, so that tests see exactly what goes over the wire.</summary>
internal sealed class GroupA2aClient(HttpClient http, string groupId, string? token)
{
    private int _nextId;

    public string GroupId => groupId;

    public Task<HttpResponseMessage> CardAsync() => http.GetAsync($"/a2a/{groupId}/.well-known/agent-card.json");

    public Task<HttpResponseMessage> PostAsync(string method, object parameters, bool withVersion = true)
        => PostRawAsync(JsonSerializer.Serialize(new { jsonrpc = "2.0", id = ++_nextId, method, @params = parameters }), withVersion);

    public Task<HttpResponseMessage> PostRawAsync(string body, bool withVersion = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/a2a/{groupId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (withVersion)
        {
            request.Headers.Add("A2A-Version", "1.0");
        }

        return http.SendAsync(request);
    }

    /// <summary>The JSON-RPC response of a call that must answer 200.</summary>
    public async Task<JsonElement> CallAsync(string method, object parameters, bool withVersion = true)
    {
        using var response = await PostAsync(method, parameters, withVersion);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
    }

    public static object Message(string text, bool returnImmediately = true) => new
    {
        message = new { messageId = Guid.NewGuid().ToString(), role = "ROLE_USER", parts = new object[] { new { text } } },
        configuration = new { returnImmediately },
    };
}
