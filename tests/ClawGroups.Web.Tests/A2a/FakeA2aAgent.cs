using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Web.Tests.A2a;

/// <summary>
/// A stand-in for the outside world these tests are not about: an A2A v1.0 JSON-RPC agent on loopback whose tasks the test
/// sets by hand (state, status message, artifacts), and which records every call it gets. The interop tests run the real
/// SDK; this one lets a test put a task in any state at the moment it chooses.
/// </summary>
public sealed class FakeA2aAgent : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _tasks;

    private FakeA2aAgent(WebApplication app) => _app = app;

    /// <summary>Each call as it came: method and params.</summary>
    public ConcurrentQueue<(string Method, JsonElement Params)> Calls { get; } = new();

    /// <summary>The tasks by id, as GetTask answers them; a test changes them to move the task on.</summary>
    public ConcurrentDictionary<string, JsonObject> Tasks { get; } = new();

    /// <summary>What a message on an existing task does to it (the answer to a question); nothing by default.</summary>
    public Action<JsonObject, string>? OnFollowUp { get; set; }

    public string BaseUrl { get; private set; } = "";

    public string CardUrl => BaseUrl + ".well-known/agent-card.json";

    public static async Task<FakeA2aAgent> StartAsync(Func<string, JsonObject>? card = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var agent = new FakeA2aAgent(app);
        app.MapGet("/.well-known/agent-card.json", () => Results.Text((card ?? DefaultCard)(agent.BaseUrl).ToJsonString(), "application/json"));
        app.MapPost("/rpc", agent.AnswerAsync);
        await app.StartAsync();
        agent.BaseUrl = app.Urls.First().TrimEnd('/') + "/";
        return agent;
    }

    public static JsonObject DefaultCard(string baseUrl) => new()
    {
        ["name"] = "fake-a2a",
        ["description"] = "A scripted A2A agent",
        ["version"] = "1.0.0",
        ["supportedInterfaces"] = new JsonArray(new JsonObject { ["url"] = baseUrl + "rpc", ["protocolBinding"] = "JSONRPC", ["protocolVersion"] = "1.0" }),
        ["capabilities"] = new JsonObject { ["pushNotifications"] = false },
        ["skills"] = new JsonArray(new JsonObject { ["id"] = "reports", ["name"] = "Reports", ["tags"] = new JsonArray("writing") }),
    };

    /// <summary>Sets the task's status (and optionally its artifacts), stamped now so that it reads as news.</summary>
    public void SetState(string taskId, string state, string? message = null, JsonArray? artifacts = null)
    {
        var task = Tasks[taskId];
        var status = new JsonObject { ["state"] = state, ["timestamp"] = DateTimeOffset.UtcNow.ToString("O") };
        if (message is not null)
        {
            status["message"] = new JsonObject
            {
                ["messageId"] = Guid.NewGuid().ToString(), ["role"] = "ROLE_AGENT", ["parts"] = new JsonArray(new JsonObject { ["text"] = message }),
            };
        }

        lock (task)
        {
            task["status"] = status;
            if (artifacts is not null)
            {
                task["artifacts"] = artifacts;
            }
        }
    }

    public string OnlyTaskId() => Tasks.Keys.Single();

    private async Task<IResult> AnswerAsync(HttpRequest request)
    {
        if (request.Headers["A2A-Version"] != "1.0")
        {
            return Results.Json(Error(null, -32009, "A2A-Version 1.0 required"));
        }

        var call = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
        var id = call.GetProperty("id").Clone();
        var method = call.GetProperty("method").GetString()!;
        var parameters = call.GetProperty("params").Clone();
        Calls.Enqueue((method, parameters));
        switch (method)
        {
            case "SendMessage":
            {
                var message = parameters.GetProperty("message");
                if (message.TryGetProperty("taskId", out var existing) && Tasks.TryGetValue(existing.GetString()!, out var known))
                {
                    OnFollowUp?.Invoke(known, message.GetProperty("parts")[0].GetProperty("text").GetString()!);
                    return Results.Json(Result(id, new JsonObject { ["task"] = Snapshot(known) }));
                }

                var taskId = $"task-{Interlocked.Increment(ref _tasks)}";
                var task = new JsonObject
                {
                    ["id"] = taskId, ["contextId"] = $"ctx-{taskId}",
                    ["status"] = new JsonObject { ["state"] = "TASK_STATE_SUBMITTED", ["timestamp"] = DateTimeOffset.UtcNow.ToString("O") },
                };
                Tasks[taskId] = task;
                return Results.Json(Result(id, new JsonObject { ["task"] = Snapshot(task) }));
            }

            case "GetTask":
                return Tasks.TryGetValue(parameters.GetProperty("id").GetString()!, out var asked)
                    ? Results.Json(Result(id, Snapshot(asked)))
                    : Results.Json(Error(id, -32001, "Task not found"));
            case "CancelTask":
            {
                var taskId = parameters.GetProperty("id").GetString()!;
                if (!Tasks.ContainsKey(taskId))
                {
                    return Results.Json(Error(id, -32001, "Task not found"));
                }

                SetState(taskId, "TASK_STATE_CANCELED");
                return Results.Json(Result(id, Snapshot(Tasks[taskId])));
            }

            default:
                return Results.Json(Error(id, -32601, "Method not found"));
        }
    }

    private static JsonObject Snapshot(JsonObject task)
    {
        lock (task)
        {
            return (JsonObject)task.DeepClone();
        }
    }

    private static JsonObject Result(JsonElement id, JsonNode result) => new() { ["jsonrpc"] = "2.0", ["id"] = JsonNode.Parse(id.GetRawText()), ["result"] = result };

    private static JsonObject Error(JsonElement? id, int code, string message) => new()
    {
        ["jsonrpc"] = "2.0", ["id"] = id is { } known ? JsonNode.Parse(known.GetRawText()) : null,
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
