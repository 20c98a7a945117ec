using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ClawGroups.Browser.Tests;

/// <summary>"Add an agent" for MCP clients: a person gets a fresh agent key in the two forms MCP clients take, and it opens /mcp.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class McpClientSetupTests(BrowserFixture browser) : EmbeddedAppTests(browser)
{
    [Fact]
    public async Task Add_an_agent_registers_an_MCP_agent_and_shows_a_claude_command_and_an_mcpServers_block_with_its_key()
    {
        await using var context = await Chromium.NewContextAsync();
        var person = new WorkspacePage(await context.NewPageAsync(), App.BaseAddress);
        var page = person.Page;
        var shots = new Screenshots(nameof(Add_an_agent_registers_an_MCP_agent_and_shows_a_claude_command_and_an_mcpServers_block_with_its_key));
        await shots.RunAsync(async () =>
        {
            await person.SignUpAsync("Grace Hopper", "grace@example.com", "Correct horse 42");
            await person.CreateGroupAsync("Compiler crew");
            await page.GetByTestId("tab-connect").ClickAsync();
            await page.GetByTestId("create-join-token").ClickAsync();

            await page.GetByTestId("register-mcp-agent").ClickAsync();

            await Expect(page.GetByTestId("mcp-agent-registered")).ToBeVisibleAsync();
            var command = (await page.GetByTestId("snippet-mcp-claude-code").TextContentAsync())!;
            Assert.StartsWith($"claude mcp add --transport http claw-groups '{Url("/mcp")}' --header 'Authorization: Bearer cg_agent_", command, StringComparison.Ordinal);
            var key = AgentKey().Match(command).Value;
            using var servers = JsonDocument.Parse((await page.GetByTestId("snippet-mcp-json-code").TextContentAsync())!);
            var entry = servers.RootElement.GetProperty("mcpServers").GetProperty("claw-groups");
            Assert.Equal(Url("/mcp"), entry.GetProperty("url").GetString());
            Assert.Equal($"Bearer {key}", entry.GetProperty("headers").GetProperty("Authorization").GetString());
            await shots.TakeAsync(page, "mcp-client");
            Assert.Equal(HttpStatusCode.OK, await InitializeAsync(key));
        }, page);
    }

    private async Task<HttpStatusCode> InitializeAsync(string key)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("/mcp"))
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [GeneratedRegex("cg_agent_[A-Za-z0-9_-]+")]
    private static partial Regex AgentKey();
}
