using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClawGroups.Web.Tests.Api;

namespace ClawGroups.Web.Tests.A2a;

/// <summary>Following a delegated task without asking again: its push configs and its event stream, as the item changes.</summary>
[Collection(WebTestCollection.Name)]
public sealed class GroupA2aFollowTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_push_config_sent_with_the_message_gets_the_task_with_its_token_when_the_item_changes()
    {
        var (a2a, http) = await EnabledGroupAsync();
        using var _ = http;
        using var receiver = PushReceiver.Start();
        var send = new
        {
            message = new { messageId = "m-1", role = "ROLE_USER", parts = new object[] { new { text = "Tidy the changelog" } } },
            configuration = new { returnImmediately = true, taskPushNotificationConfig = new { url = receiver.Url, token = "client-token-1" } },
        };
        var taskId = (await a2a.CallAsync("SendMessage", send)).GetProperty("result").GetProperty("task").GetProperty("id").GetString()!;

        await a2a.CallAsync("CancelTask", new { id = taskId });

        var push = await receiver.WaitForAsync(p => p.State == "TASK_STATE_CANCELED", Deadline);
        Assert.Equal("application/a2a+json", push.ContentType?.Split(';')[0]);
        Assert.Equal("client-token-1", push.Token);
        Assert.Equal(taskId, push.Body.GetProperty("task").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Push_configs_are_created_read_listed_and_deleted_per_task()
    {
        var (a2a, http) = await EnabledGroupAsync();
        using var _ = http;
        var taskId = (await a2a.CallAsync("SendMessage", GroupA2aClient.Message("Plan the offsite")))
            .GetProperty("result").GetProperty("task").GetProperty("id").GetString()!;

        var created = (await a2a.CallAsync("CreateTaskPushNotificationConfig", new { taskId, url = "http://127.0.0.1:9/hook", token = "t" })).GetProperty("result");
        var configId = created.GetProperty("id").GetString()!;
        var read = await a2a.CallAsync("GetTaskPushNotificationConfig", new { taskId, id = configId });
        var listed = await a2a.CallAsync("ListTaskPushNotificationConfigs", new { taskId });
        var deleted = await a2a.CallAsync("DeleteTaskPushNotificationConfig", new { taskId, id = configId });
        var gone = await a2a.CallAsync("GetTaskPushNotificationConfig", new { taskId, id = configId });

        Assert.Equal(taskId, created.GetProperty("taskId").GetString());
        Assert.Equal("http://127.0.0.1:9/hook", read.GetProperty("result").GetProperty("url").GetString());
        Assert.Equal(configId, Assert.Single(listed.GetProperty("result").GetProperty("configs").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, deleted.GetProperty("result").ValueKind);
        Assert.Equal(-32001, gone.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task SubscribeToTask_streams_the_task_then_its_status_until_it_ends()
    {
        var (a2a, http) = await EnabledGroupAsync();
        using var _ = http;
        var taskId = (await a2a.CallAsync("SendMessage", GroupA2aClient.Message("Rename the queue")))
            .GetProperty("result").GetProperty("task").GetProperty("id").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/a2a/{a2a.GroupId}")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { jsonrpc = "2.0", id = 42, method = "SubscribeToTask", @params = new { id = taskId } }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("A2A-Version", "1.0");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await NextEventAsync(events);
        await a2a.CallAsync("CancelTask", new { id = taskId });
        var last = await NextEventAsync(events);
        var end = await events.ReadToEndAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(42, first.GetProperty("id").GetInt32());
        Assert.Equal("TASK_STATE_SUBMITTED", first.GetProperty("result").GetProperty("task").GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("TASK_STATE_CANCELED", last.GetProperty("result").GetProperty("statusUpdate").GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("", end.Trim());
    }

    private static async Task<JsonElement> NextEventAsync(StreamReader events)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (await events.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
            }
        }

        throw new InvalidOperationException("The stream ended before another event.");
    }

    private async Task<(GroupA2aClient A2a, HttpClient Http)> EnabledGroupAsync()
    {
        await using var scenario = await ApiScenario.StartAsync(_app);
        var http = _app.OwnerHttpClient();
        using var patched = await http.PatchAsJsonAsync($"/api/v1/groups/{scenario.Group.Id}", new { a2aEnabled = true });
        patched.EnsureSuccessStatusCode();
        return (new GroupA2aClient(http, scenario.Group.Id, ClawAppFactory.BootstrapToken), http);
    }
}
