using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClawGroups.Web.Mcp;

namespace ClawGroups.Web.Tests.Mcp;

/// <summary>
/// The MCP server's Origin rule (Web/Mcp/McpOriginCheck.cs) over real HTTP: a page of another origin is refused before its
/// token is even read, the server's own pages and the allowed origins pass, and clients without a browser send no Origin.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class McpOriginTests : IAsyncLifetime
{
    private const string Allowed = "https://tools.example";
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync(new Dictionary<string, string?>
    {
        [$"{McpOriginCheck.AllowedOriginsKey}:0"] = Allowed,
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_page_of_another_origin_is_refused_with_403_even_with_a_good_token()
    {
        using var response = await InitializeAsync("http://rebound.example:5000");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Origin not allowed", problem.GetProperty("title").GetString());
        Assert.Contains("http://rebound.example:5000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("own")]
    [InlineData(Allowed)]
    public async Task No_origin_the_servers_own_and_an_allowed_one_reach_the_tools(string? origin)
    {
        using var response = await InitializeAsync(origin == "own" ? _app.BaseAddress.GetLeftPart(UriPartial.Authority) : origin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("http://localhost:5000", "http://localhost:5000", true)]
    [InlineData("HTTP://LOCALHOST:5000", "http://localhost:5000", true)]
    [InlineData("http://localhost:5001", "http://localhost:5000", false)]
    [InlineData("https://localhost:5000", "http://localhost:5000", false)]
    [InlineData("null", "http://localhost:5000", false)]
    [InlineData("file://", "http://localhost:5000", false)]
    [InlineData("https://tools.example", "http://localhost:5000", true)]
    [InlineData("https://tools.example.evil", "http://localhost:5000", false)]
    public void An_origin_is_allowed_when_scheme_host_and_port_match_the_server_or_an_allowed_one(string origin, string own, bool expected)
        => Assert.Equal(expected, McpOriginCheck.Allows(origin, own, [Allowed]));

    private async Task<HttpResponseMessage> InitializeAsync(string? origin)
    {
        using var client = new HttpClient { BaseAddress = _app.BaseAddress };
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"origin-test","version":"1"}}}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClawAppFactory.BootstrapToken);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await client.SendAsync(request);
    }
}
