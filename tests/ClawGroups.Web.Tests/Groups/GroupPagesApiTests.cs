using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClawGroups.Data.Database;
using ClawGroups.Web.Components.Groups;

namespace ClawGroups.Web.Tests.Groups;

/// <summary>What the group pages hand to people works against the real app: the register snippet and the settings PATCH.</summary>
[Collection(WebTestCollection.Name)]
public sealed class GroupPagesApiTests : IAsyncLifetime
{
    private ClawAppFactory _app = null!;
    private HttpClient _owner = null!;

    public async Task InitializeAsync()
    {
        _app = await ClawAppFactory.StartAsync(DatabaseProvider.Sqlite);
        _owner = _app.CreateClient();
        _owner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClawAppFactory.BootstrapToken);
    }

    public async Task DisposeAsync()
    {
        _owner.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task The_register_snippet_as_shown_registers_a_pull_agent()
    {
        var groupId = await CreateGroupAsync();
        var token = await PostAsync($"/api/v1/groups/{groupId}/join-tokens", """{"expiresInMinutes":60,"maxUses":1}""");
        var snippet = AgentSnippets.All(_owner.BaseAddress!.ToString(), token.GetProperty("token").GetString()!, 1, Draft("pixel's helper"), null)
            .Single(s => s.Key == "register");

        var curl = ShellWords.Split(snippet.Code);
        using var request = CurlRequest(curl);
        using var anonymous = _app.CreateClient();
        using var response = await anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var registered = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(groupId, registered.GetProperty("groupId").GetString());
        Assert.StartsWith("cg_agent_", registered.GetProperty("apiKey").GetString(), StringComparison.Ordinal);
        var group = await _owner.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}");
        var agent = group.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("kind").GetString() == "agent");
        Assert.Equal(("pixel's helper", "pull"), (agent.GetProperty("name").GetString(), agent.GetProperty("delivery").GetString()));
    }

    [Fact]
    public async Task A_preset_whose_skills_were_edited_registers_an_agent_with_the_edited_skills()
    {
        var groupId = await CreateGroupAsync();
        var token = await PostAsync($"/api/v1/groups/{groupId}/join-tokens", """{"expiresInMinutes":60,"maxUses":1}""");
        var edited = """[ { "id": "ledger-close", "name": "Month-end close", "tags": ["accounting"], "level": 0.7 } ]""";
        var draft = new AgentDraft("closer", SkillPresets.Find("accounting"), SkillPresets.Parse(edited).Skills!);
        var snippet = AgentSnippets.All(_owner.BaseAddress!.ToString(), token.GetProperty("token").GetString()!, 1, draft, null)
            .Single(s => s.Key == "register");

        using var request = CurlRequest(ShellWords.Split(snippet.Code));
        using var anonymous = _app.CreateClient();
        using var response = await anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var group = await _owner.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}");
        var agent = group.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("kind").GetString() == "agent");
        var skill = Assert.Single(agent.GetProperty("skills").EnumerateArray());
        Assert.Equal(("ledger-close", "Month-end close"), (skill.GetProperty("id").GetString(), skill.GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "at least one skill")]
    [InlineData("""[ { "id": "sql" } ]""", "Skill 1 needs an \"id\" and a \"name\"")]
    public void Skills_that_cannot_make_a_card_are_refused_with_the_reason(string json, string reason)
    {
        var (skills, problem) = SkillPresets.Parse(json);

        Assert.Null(skills);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_simulator_command_starts_as_many_agents_as_the_token_admits_of_the_chosen_kind()
    {
        foreach (var preset in SkillPresets.All)
        {
            var command = AgentSnippets.SimulatorCommand("http://localhost:5000/", "cg_join_abc", 4, preset);

            var words = ShellWords.Split(command);
            var parsed = ClawGroups.AgentSimulator.Cli.SimulatorArguments.Parse(words.SkipWhile(w => w != "--").Skip(1).ToList());

            Assert.True(parsed.Arguments is not null, $"{preset.Key}: {parsed.Error}");
            Assert.Equal((new Uri("http://localhost:5000"), "cg_join_abc", 4, preset.Key),
                (parsed.Arguments.Server, parsed.Arguments.JoinToken, parsed.Arguments.Agents, parsed.Arguments.Profile));
        }
    }

    [Fact]
    public async Task Patch_changes_settings_and_null_returns_an_override_to_the_default()
    {
        var groupId = await CreateGroupAsync();

        var changed = await PatchAsync(groupId, """{ "name": "Renamed", "maxAttempts": 5, "heartbeatTimeoutSeconds": 300 }""");
        var cleared = await PatchAsync(groupId, """{ "maxAttempts": null }""");

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var settings = (await cleared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("settings");
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("maxAttempts").ValueKind);
        Assert.Equal(300, settings.GetProperty("heartbeatTimeoutSeconds").GetInt32());
        Assert.Equal(3, settings.GetProperty("defaults").GetProperty("maxAttempts").GetInt32());
    }

    [Fact]
    public async Task Patch_with_out_of_range_values_answers_422_naming_each_field()
    {
        var groupId = await CreateGroupAsync();

        using var response = await PatchAsync(groupId, """{ "progressTimeoutSeconds": 2, "overrunFactor": 0.5 }""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["overrunFactor", "progressTimeoutSeconds"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Patch_with_a_number_of_the_wrong_type_answers_400()
    {
        var groupId = await CreateGroupAsync();

        using var response = await PatchAsync(groupId, """{ "maxAttempts": "many" }""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("settings", "data-testid=\"save-settings\"")]
    [InlineData("connect-agent", "data-testid=\"create-join-token\"")]
    [InlineData("dashboard", "No finished work yet")]
    public async Task Each_group_page_renders_for_a_member_with_its_key_element(string page, string expected)
    {
        var groupId = await CreateGroupAsync();

        using var response = await _owner.GetAsync(new Uri($"/groups/{groupId}/{page}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(expected, html, StringComparison.Ordinal);
        Assert.Contains(">pages</h1>", html, StringComparison.Ordinal);
    }

    private static AgentDraft Draft(string name)
        => new(name, SkillPresets.All[0], SkillPresets.Parse(SkillPresets.All[0].SkillsJson).Skills!);

    private async Task<string> CreateGroupAsync()
        => (await PostAsync("/api/v1/groups", """{"name":"pages"}""")).GetProperty("id").GetString()!;

    private async Task<JsonElement> PostAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _owner.PostAsync(new Uri(path, UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<HttpResponseMessage> PatchAsync(string groupId, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/merge-patch+json");
        return await _owner.PatchAsync(new Uri($"/api/v1/groups/{groupId}", UriKind.Relative), content);
    }

    /// <summary>The request a <c>curl -X POST URL -H … -d …</c> command line makes.</summary>
    internal static HttpRequestMessage CurlRequest(IReadOnlyList<string> words)
    {
        Assert.Equal("curl", words[0]);
        var request = new HttpRequestMessage();
        string? body = null;
        string? contentType = null;
        for (var i = 1; i < words.Count; i++)
        {
            switch (words[i])
            {
                case "-sS":
                    break;
                case "-X":
                    request.Method = new HttpMethod(words[++i]);
                    break;
                case "-H":
                    var (name, value) = (words[++i].Split(':', 2)[0], words[i].Split(':', 2)[1].Trim());
                    if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                    {
                        contentType = value;
                    }
                    else
                    {
                        Assert.True(request.Headers.TryAddWithoutValidation(name, value), $"header {name}");
                    }

                    break;
                case "-d":
                    body = words[++i];
                    break;
                default:
                    Assert.Null(request.RequestUri);
                    request.RequestUri = new Uri(words[i]);
                    break;
            }
        }

        Assert.NotNull(body);
        Assert.NotNull(contentType);
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return request;
    }
}
