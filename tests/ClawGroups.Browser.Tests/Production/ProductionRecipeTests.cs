using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ClawGroups.Data.Database;
using ClawGroups.Testing;
using ClawGroups.Testing.Databases;
using Xunit.Abstractions;

namespace ClawGroups.Browser.Tests.Production;

/// <summary>
/// README's production recipe, run as written (its own lines, by bash, from the repository root) on a throwaway
/// PostgreSQL database and a free loopback port: the app must say it runs in Production, serve its pages' scripts and
/// styles, keep Development's allowances off, and give a person who signs up a live board.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ProductionRecipeTests(BrowserFixture browser, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The recipe builds the app in Release before it starts it: minutes on a cold, busy machine.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Besides what the page links: the names people and proxies ask for without a fingerprint.</summary>
    private static readonly string[] WellKnownAssets =
        ["_framework/blazor.web.js", "_content/MudBlazor/MudBlazor.min.css", "_content/MudBlazor/MudBlazor.min.js"];

    private readonly DirectoryInfo _publishFolder = Directory.CreateTempSubdirectory("claw-production-");
    private TestDatabase? _database;
    private RecipeServer? _server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _database?.Dispose();
        _publishFolder.Delete(recursive: true);
    }

    [Fact]
    public async Task README_production_recipe_runs_Production_with_its_static_assets_and_a_live_board()
    {
        var shots = new Screenshots(nameof(README_production_recipe_runs_Production_with_its_static_assets_and_a_live_board));
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        try
        {
            _database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
            var root = Repository.Root();
            var script = ProductionRecipe.Read(Path.Combine(root, "README.md")).For(_database.ConnectionString, _publishFolder.FullName);
            _server = RecipeServer.Start(script, root, new Uri($"http://127.0.0.1:{RecipeServer.FreeLoopbackPort()}/"));

            Assert.Equal("Production", await _server.WaitForStartAsync(StartTimeout));
            await _server.WaitHealthyAsync(TimeSpan.FromMinutes(1));
            // Compiled ahead of time, the app's code and its libraries', and without tiered PGO, which would compile the hot
            // part of it twice more (decision 0034).
            foreach (var assembly in new[] { "ClawGroups.Web.dll", "ClawGroups.Coordinator.dll", "Microsoft.EntityFrameworkCore.dll", "MudBlazor.dll" })
            {
                Assert.True(PublishedCode.IsCompiledAheadOfTime(Path.Combine(_publishFolder.FullName, assembly)), $"{assembly} was published as IL only");
            }

            Assert.False(PublishedCode.TieredPgo(Path.Combine(_publishFolder.FullName, "ClawGroups.Web.runtimeconfig.json")));

            // A fresh instance: the first person to sign up owns it, creates a group and puts work on its board.
            var person = new WorkspacePage(page, _server.Url);
            await shots.RunAsync(async () =>
            {
                await person.SignUpAsync("Margaret Hamilton", "margaret@example.com", "Correct horse 42");
                await person.CreateGroupAsync("Production crew");
                await person.CreateWorkItemAsync("Check the production recipe", "");
                await shots.TakeAsync(page, "board");
            }, page);

            using var http = new HttpClient { BaseAddress = _server.Url };
            var linked = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('script[src], link[href]')].map(e => e.src || e.href)");
            Assert.Contains(linked, asset => asset.Contains("/_framework/blazor.web", StringComparison.Ordinal));
            Assert.Empty(await BrokenAsync(http, [.. linked, .. WellKnownAssets]));

            // Development's allowances are off: a webhook on this machine is refused, in problem details.
            var joinToken = await person.CreateJoinTokenAsync(agents: 1);
            using var register = new HttpRequestMessage(HttpMethod.Post, "api/v1/agents")
            {
                Content = new StringContent(
                    """{"name":"lurker","delivery":"webhook","url":"http://127.0.0.1:9/hook","capacity":1,"skills":[{"id":"sql","name":"SQL","level":0.5}]}""",
                    Encoding.UTF8, "application/json"),
            };
            register.Headers.Authorization = new AuthenticationHeaderValue("Bearer", joinToken);
            using var refused = await http.SendAsync(register);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("loopback or private address", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        catch
        {
            output.WriteLine(_server is null ? "The recipe was not started." : $"What the recipe printed:\n{_server.Output}");
            throw;
        }
    }

    /// <summary>The assets that do not answer 200 with a body, each with what it answered.</summary>
    private static async Task<List<string>> BrokenAsync(HttpClient http, IEnumerable<string> assets)
    {
        var broken = new List<string>();
        foreach (var asset in assets.Distinct())
        {
            using var response = await http.GetAsync(new Uri(asset, UriKind.RelativeOrAbsolute));
            var body = await response.Content.ReadAsByteArrayAsync();
            if (response.StatusCode != HttpStatusCode.OK || body.Length == 0)
            {
                broken.Add($"{asset}: {(int)response.StatusCode} with {body.Length} bytes");
            }
        }

        return broken;
    }
}
