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

    [Fact]
    public async Task The_OpenAPI_document_declares_bearer_security_and_every_operation_requires_it()
    {
        using var document = await DocumentAsync();

        var scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        var unsecured = Operations(document)
            .Where(o => !o.Operation.TryGetProperty("security", out var security)
                        || !security.EnumerateArray().Any(requirement => requirement.TryGetProperty("bearer", out _)))
            .Select(o => o.Name)
            .ToList();
        Assert.True(unsecured.Count == 0, "Operations without the bearer requirement: " + string.Join(", ", unsecured));
    }

    [Fact]
    public async Task Every_operation_in_the_OpenAPI_document_has_a_summary()
    {
        using var document = await DocumentAsync();

        var operations = Operations(document).ToList();
        var withoutSummary = operations
            .Where(o => !o.Operation.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
            .Select(o => o.Name)
            .ToList();

        Assert.NotEmpty(operations);
        Assert.True(withoutSummary.Count == 0, $"{withoutSummary.Count} of {operations.Count} operations have no summary: " + string.Join(", ", withoutSummary));
    }

    private static async Task<JsonDocument> DocumentAsync()
    {
        await using var app = await ClawAppFactory.StartAsync(DatabaseProvider.Sqlite);
        using var client = app.CreateClient();
        return JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
    }

    private static readonly HashSet<string> Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    /// <summary>Each operation of the document, named "GET /api/v1/…".</summary>
    private static IEnumerable<(string Name, JsonElement Operation)> Operations(JsonDocument document)
        => document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(operation => Methods.Contains(operation.Name))
                .Select(operation => ($"{operation.Name.ToUpperInvariant()} {path.Name}", operation.Value)));
}
