using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ClawGroups.Interop.Tests;

/// <summary>
/// A pull agent of a group driven from C# over the REST API, as any agent would be: it registers with a join token,
/// then pulls one item, accepts it and reports a result with one artifact.
/// </summary>
public sealed class PullMember : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _agentId;

    private PullMember(HttpClient http, string agentId) => (_http, _agentId) = (http, agentId);

    public static async Task<PullMember> JoinAsync(HttpClient owner, string groupId, string name)
    {
        ArgumentNullException.ThrowIfNull(owner);
        using var tokenResponse = await owner.PostAsJsonAsync($"/api/v1/groups/{groupId}/join-tokens", new { });
        var joinToken = (await Json(tokenResponse)).GetProperty("token").GetString()!;
        using var join = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agents")
        {
            Content = JsonContent.Create(new
            {
                name, delivery = "pull", capacity = 1,
                skills = new[] { new { id = "writing", name = "Technical writing", tags = new[] { "docs" }, level = 0.9 } },
            }),
        };
        join.Headers.Authorization = new AuthenticationHeaderValue("Bearer", joinToken);
        using var registered = await owner.SendAsync(join);
        var registration = await Json(registered);
        var http = new HttpClient { BaseAddress = owner.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", registration.GetProperty("apiKey").GetString());
        var member = new PullMember(http, registration.GetProperty("agentId").GetString()!);
        using var heartbeat = await http.PostAsJsonAsync($"/api/v1/agents/{member._agentId}/heartbeat", new { status = "idle" });
        heartbeat.EnsureSuccessStatusCode();
        return member;
    }

    /// <summary>Pulls until an item is offered (within <paramref name="timeout"/>), then does it: accept, result. Returns the item's id.</summary>
    public async Task<string> DoNextAsync(string summary, string artifactName, string artifactText, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            using var work = await _http.GetAsync($"/api/v1/agents/{_agentId}/work?waitSeconds=5");
            if (work.StatusCode == HttpStatusCode.NoContent)
            {
                continue;
            }

            var itemId = (await Json(work)).GetProperty("id").GetString()!;
            using var accepted = await _http.PostAsync($"/api/v1/work-items/{itemId}/accept", null);
            accepted.EnsureSuccessStatusCode();
            using var result = await _http.PostAsJsonAsync($"/api/v1/work-items/{itemId}/result", new
            {
                summary,
                artifacts = new[] { new { name = artifactName, mediaType = "text/markdown", content = artifactText } },
            });
            result.EnsureSuccessStatusCode();
            return itemId;
        }

        throw new TimeoutException($"No work was offered to the pull member within {timeout}.");
    }

    public void Dispose() => _http.Dispose();

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
