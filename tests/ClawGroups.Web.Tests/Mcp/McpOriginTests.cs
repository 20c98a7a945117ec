using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClawGroups.Web.Mcp;

namespace ClawGroups.Web.Tests.Mcp;

/// <summary>
/// The MCP server's Origin rule (Web/Mcp/McpOriginCheck.cs) over real HTTP: a page elsewhere is refused before its token is
/// even read, loopback pages and the allowed origins pass, and clients without a browser send no Origin.
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
    [InlineData("loopback")]
    [InlineData(Allowed)]
    public async Task No_origin_a_loopback_page_and_an_allowed_origin_reach_the_tools(string? origin)
    {
        using var response = await InitializeAsync(origin == "loopback" ? _app.BaseAddress.GetLeftPart(UriPartial.Authority) : origin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("http://localhost:5000", true)]
    [InlineData("HTTP://LOCALHOST:6274", true)]
    [InlineData("http://127.0.0.1:9", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("https://tools.example", true)]
    [InlineData("https://tools.example:8443", false)]
    [InlineData("https://tools.example.evil", false)]
    [InlineData("http://localhost.rebound.example", false)]
    [InlineData("http://rebound.example:5000", false)]
    [InlineData("null", false)]
    [InlineData("file://", false)]
    public void An_origin_is_allowed_on_a_loopback_address_or_when_listed(string origin, bool expected)
        => Assert.Equal(expected, McpOriginCheck.Allows(origin, [Allowed]));

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
