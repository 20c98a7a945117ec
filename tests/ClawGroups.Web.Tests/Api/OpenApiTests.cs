using System.Net;
using System.Text.Json;
using ClawGroups.Data.Database;

namespace ClawGroups.Web.Tests.Api;

[Collection(WebTestCollection.Name)]
public sealed class OpenApiTests
{
    [Fact]
    public async Task The_OpenAPI_document_describes_the_contract_paths_and_the_reference_page_is_served()
    {
        await using var app = await ClawAppFactory.StartAsync(DatabaseProvider.Sqlite);
        using var client = app.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var reference = await client.GetAsync(new Uri("/scalar/v1", UriKind.Relative));

        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[]
                 {
                     "/api/v1/groups", "/api/v1/groups/{groupId}/join-tokens", "/api/v1/groups/{groupId}/work-items", "/api/v1/agents",
                     "/api/v1/agents/{agentId}/heartbeat", "/api/v1/agents/{agentId}/work", "/api/v1/work-items/{id}/takeover",
                     "/api/v1/work-items/{id}/progress", "/api/v1/work-items/{id}/result",
                 })
        {
            Assert.Contains(path, paths);
        }

        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
    }
}
