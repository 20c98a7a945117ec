using System.Text.Json;
using ClawGroups.Data.Database;

namespace ClawGroups.Web.Tests.Api.Contract;

/// <summary>
/// docs/API.md and the OpenAPI document the app serves name the same endpoints under /api: a new route needs a line in
/// the contract, and an endpoint the contract lists as built needs a route (or a "not served yet" note).
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class ContractInStepTests
{
    private const string ApiPrefix = "/api/";

    [Fact]
    public async Task Every_operation_the_OpenAPI_document_serves_under_api_is_in_docs_API_md()
    {
        var contract = ContractEndpoints().Select(e => e.Key).ToHashSet();

        var served = await ServedEndpointsAsync();

        var missing = served.Select(e => e.Key).Where(key => !contract.Contains(key)).Order().ToList();
        Assert.True(missing.Count == 0, "Served, but not in docs/API.md: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Every_endpoint_docs_API_md_lists_as_built_is_in_the_OpenAPI_document()
    {
        var built = ContractEndpoints().Where(e => e.Built).Select(e => e.Key).Distinct();

        var served = (await ServedEndpointsAsync()).Select(e => e.Key).ToHashSet();

        var missing = built.Where(key => !served.Contains(key)).Order().ToList();
        Assert.True(missing.Count == 0, "In docs/API.md as built, but not served (write it, or mark it not served yet): " + string.Join(", ", missing));
    }

    /// <summary>The copy of docs/API.md that the build puts beside the tests (see the project file).</summary>
    private static IEnumerable<ContractEndpoint> ContractEndpoints() =>
        ContractDocument.Endpoints(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Contract", "API.md")))
            .Where(e => e.Path.StartsWith(ApiPrefix, StringComparison.Ordinal));

    private static async Task<IReadOnlyList<ContractEndpoint>> ServedEndpointsAsync()
    {
        await using var app = await ClawAppFactory.StartAsync(DatabaseProvider.Sqlite);
        using var client = app.CreateClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));

        return document.RootElement.GetProperty("paths").EnumerateObject()
            .Where(path => path.Name.StartsWith(ApiPrefix, StringComparison.Ordinal))
            .SelectMany(path => path.Value.EnumerateObject()
                .Select(operation => new ContractEndpoint(operation.Name.ToUpperInvariant(), path.Name, Built: true)))
            .ToList();
    }
}
