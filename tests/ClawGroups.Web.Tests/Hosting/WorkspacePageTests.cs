using System.Net;
using ClawGroups.Data.Database;

namespace ClawGroups.Web.Tests.Hosting;

[Collection(WebTestCollection.Name)]
public sealed class WorkspacePageTests
{
    [Fact]
    public async Task The_workspace_asks_a_visitor_to_sign_in_in_the_MudBlazor_layout_with_its_stylesheet()
    {
        await using var app = await ClawAppFactory.StartAsync(DatabaseProvider.Sqlite);
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri("/", UriKind.Relative));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal("/account/signin", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("mud-layout", page, StringComparison.Ordinal);
        var stylesheet = System.Text.RegularExpressions.Regex.Match(page, "href=\"(_content/MudBlazor/MudBlazor[^\"]*\\.css)\"");
        Assert.True(stylesheet.Success, "the MudBlazor stylesheet is not linked");
        var css = await client.GetAsync(new Uri("/" + stylesheet.Groups[1].Value, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
    }

    [Fact]
    public async Task An_unknown_page_says_so_in_words()
    {
        await using var app = await ClawAppFactory.StartAsync(DatabaseProvider.Sqlite);
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri("/no-such-page", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
