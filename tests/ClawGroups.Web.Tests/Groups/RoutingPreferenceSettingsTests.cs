using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClawGroups.Data.Database;

namespace ClawGroups.Web.Tests.Groups;

/// <summary>
/// The group settings <c>preferPeopleFor</c> and <c>preferAgentsFor</c> (decision 0031) through <c>PATCH /api/v1/groups/{id}</c>
/// on PostgreSQL: kept as given (trimmed, without repeats), shown in the group's settings, and refused by entry when invalid.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class RoutingPreferenceSettingsTests : IAsyncLifetime
{
    private ClawAppFactory _app = null!;
    private HttpClient _owner = null!;

    public async Task InitializeAsync()
    {
        _app = await ClawAppFactory.StartAsync(DatabaseProvider.Postgres);
        _owner = _app.CreateClient();
        _owner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClawAppFactory.BootstrapToken);
    }

    public async Task DisposeAsync()
    {
        _owner.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Preferences_set_by_patch_are_kept_tidied_shown_in_the_settings_and_cleared_by_an_empty_list()
    {
        var groupId = await CreateGroupAsync();

        using var set = await PatchAsync(groupId, """{ "preferPeopleFor": [" design ", "legal", "Design"], "preferAgentsFor": ["testing"] }""");
        var read = (await _owner.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}")).GetProperty("settings");
        using var untouched = await PatchAsync(groupId, """{ "name": "Still preferring" }""");
        using var cleared = await PatchAsync(groupId, """{ "preferPeopleFor": [] }""");

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(["design", "legal"], Strings(read.GetProperty("preferPeopleFor")));
        Assert.Equal(["testing"], Strings(read.GetProperty("preferAgentsFor")));
        Assert.Equal(["design", "legal"], Strings((await untouched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("settings").GetProperty("preferPeopleFor")));
        var after = (await cleared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("settings");
        Assert.Empty(Strings(after.GetProperty("preferPeopleFor")));
        Assert.Equal(["testing"], Strings(after.GetProperty("preferAgentsFor")));
    }

    [Fact]
    public async Task An_invalid_entry_is_422_naming_it_and_changes_nothing()
    {
        var groupId = await CreateGroupAsync();
        var tooLong = new string('x', 201);

        using var response = await PatchAsync(groupId, $$"""{ "preferPeopleFor": ["design", "legal", "ops", " "], "preferAgentsFor": ["{{tooLong}}"] }""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["preferAgentsFor[0]", "preferPeopleFor[3]"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        var settings = (await _owner.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}")).GetProperty("settings");
        Assert.Empty(Strings(settings.GetProperty("preferPeopleFor")));
    }

    [Fact]
    public async Task More_than_fifty_entries_is_422_naming_the_list()
    {
        var groupId = await CreateGroupAsync();
        var skills = JsonSerializer.Serialize(Enumerable.Range(0, 51).Select(i => $"skill-{i}"));

        using var response = await PatchAsync(groupId, $$"""{ "preferAgentsFor": {{skills}} }""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["preferAgentsFor"], errors.EnumerateObject().Select(e => e.Name));
    }

    private static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToList();

    private async Task<string> CreateGroupAsync()
    {
        using var content = new StringContent("""{"name":"preferences"}""", Encoding.UTF8, "application/json");
        using var response = await _owner.PostAsync(new Uri("/api/v1/groups", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<HttpResponseMessage> PatchAsync(string groupId, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/merge-patch+json");
        return await _owner.PatchAsync(new Uri($"/api/v1/groups/{groupId}", UriKind.Relative), content);
    }
}
