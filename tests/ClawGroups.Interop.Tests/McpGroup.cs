using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ClawGroups.Interop.Tests;

/// <summary>A group made through the REST API for one test: its owner is the bootstrap owner; a pull agent with its key.</summary>
public sealed record McpGroup(Guid Id, Guid AgentId, string AgentKey)
{
    public static async Task<McpGroup> CreateAsync(HttpClient owner, string skill = "writing")
    {
        var group = await ReadAsync(await owner.PostAsJsonAsync("/api/v1/groups", new { name = $"mcp-{Guid.NewGuid():N}", requireReview = true }));
        var id = Guid.Parse(group["id"]!.GetValue<string>());
        var join = await ReadAsync(await owner.PostAsJsonAsync($"/api/v1/groups/{id}/join-tokens", new { expiresInMinutes = 60, maxUses = 2 }));
        using var register = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agents")
        {
            Content = JsonContent.Create(new
            {
                name = "mcp-writer", description = "writes through MCP", version = "1.0", delivery = "pull", capacity = 1,
                skills = new[] { new { id = skill, name = skill, description = $"{skill} work", tags = new[] { skill }, level = 0.9 } },
            }),
        };
        register.Headers.Authorization = new("Bearer", join["token"]!.GetValue<string>());
        var agent = await ReadAsync(await owner.SendAsync(register));
        return new McpGroup(id, Guid.Parse(agent["agentId"]!.GetValue<string>()), agent["apiKey"]!.GetValue<string>());
    }

    public async Task<Guid> CreateItemAsync(HttpClient owner, string title, string skill = "writing")
    {
        var item = await ReadAsync(await owner.PostAsJsonAsync($"/api/v1/groups/{Id}/work-items",
            new { title, description = $"{title}, as a short note.", requiredSkills = new[] { skill } }));
        return Guid.Parse(item["id"]!.GetValue<string>());
    }

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }
}
