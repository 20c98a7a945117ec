using System.Text.Json;
using ClawGroups.Coordinator.A2a.Protocol;

namespace ClawGroups.Coordinator.Tests.A2a.Protocol;

/// <summary>
/// The wire types read and write the JSON of A2A v1.0 exactly as @a2a-js/sdk 1.3.0 writes it (its ProtoJSON
/// <c>toJSON</c>): samples below are in that form, so a field renamed or an enum spelled differently fails here.
/// </summary>
public sealed class A2aWireTypesTests
{
    private const string TaskJson = """
        {
          "id": "3f1c2b9e-0000-4000-8000-000000000001",
          "contextId": "ctx-1",
          "status": {
            "state": "TASK_STATE_COMPLETED",
            "message": { "messageId": "m-2", "role": "ROLE_AGENT", "parts": [ { "text": "Done: the page is built." } ] },
            "timestamp": "2026-12-02T22:30:00.5Z"
          },
          "artifacts": [
            { "artifactId": "a-1", "name": "settings.md", "parts": [ { "text": "# Settings", "mediaType": "text/markdown" } ] }
          ],
          "history": [
            { "messageId": "m-1", "contextId": "ctx-1", "taskId": "3f1c2b9e-0000-4000-8000-000000000001", "role": "ROLE_USER",
              "parts": [ { "text": "Build a settings page" }, { "data": { "priority": 2, "tags": ["ui"] } } ] }
          ],
          "metadata": { "source": "test" }
        }
        """;

    [Fact]
    public void A_task_round_trips_as_the_sdk_writes_it() => WireRoundTrip.AssertSame<A2aTask>(TaskJson);

    [Fact]
    public void Task_states_and_roles_are_the_specs_names()
    {
        var task = WireRoundTrip.Read<A2aTask>(TaskJson);

        Assert.Equal(TaskState.Completed, task.Status.State);
        Assert.Equal(Role.Agent, task.Status.Message!.Role);
        Assert.Equal(Role.User, task.History![0].Role);
        Assert.Equal("\"TASK_STATE_INPUT_REQUIRED\"", A2aJson.Serialize(TaskState.InputRequired));
        Assert.Equal("\"TASK_STATE_CANCELED\"", A2aJson.Serialize(TaskState.Canceled));
    }

    [Fact]
    public void Parts_say_what_they_are_by_the_field_that_is_set_without_a_kind()
    {
        var parts = WireRoundTrip.Read<A2aTask>(TaskJson).History![0].Parts;

        Assert.Equal("Build a settings page", parts[0].Text);
        Assert.Null(parts[0].Data);
        Assert.Equal(2, parts[1].Data!.Value.GetProperty("priority").GetInt32());
        Assert.Equal("""{"text":"hi"}""", A2aJson.Serialize(Part.FromText("hi")));
        Assert.Equal("""{"data":{"workItemId":"w1"}}""", A2aJson.Serialize(Part.FromData(new { workItemId = "w1" })));
    }

    [Fact]
    public void A_raw_part_is_base64_on_the_wire() => WireRoundTrip.AssertSame<Part>("""{ "raw": "aGVsbG8=", "filename": "hello.txt", "mediaType": "text/plain" }""");

    [Fact]
    public void A_timestamp_is_written_in_utc_with_a_z()
    {
        var status = new A2aTaskStatus { State = TaskState.Working, Timestamp = new DateTimeOffset(2026, 12, 2, 23, 0, 0, TimeSpan.FromHours(1)) };

        Assert.Equal("""{"state":"TASK_STATE_WORKING","timestamp":"2026-12-02T22:00:00Z"}""", A2aJson.Serialize(status));
    }

    [Fact]
    public void An_agent_card_round_trips_with_interfaces_capabilities_skills_and_a_bearer_scheme() => WireRoundTrip.AssertSame<A2aAgentCard>("""
        {
          "name": "Front-end crew",
          "description": "A group of agents that build web front ends.",
          "supportedInterfaces": [ { "url": "https://claw.example/a2a/g1", "protocolBinding": "JSONRPC", "protocolVersion": "1.0" } ],
          "provider": { "url": "https://claw.example", "organization": "Claw Groups" },
          "version": "1.0.0",
          "capabilities": { "streaming": true, "pushNotifications": true },
          "securitySchemes": { "bearer": { "httpAuthSecurityScheme": { "description": "A member's token", "scheme": "Bearer" } } },
          "securityRequirements": [ { "schemes": { "bearer": { "list": [] } } } ],
          "defaultInputModes": [ "text/plain", "application/json" ],
          "defaultOutputModes": [ "text/plain" ],
          "skills": [ { "id": "react", "name": "React UI", "description": "Builds React pages", "tags": [ "frontend", "react" ], "examples": [ "Build a settings page" ] } ],
          "signatures": [ { "protected": "eyJhbGciOiJFUzI1NiJ9", "signature": "c2ln" } ]
        }
        """);

    [Fact]
    public void The_bearer_scheme_is_an_http_auth_scheme()
        => Assert.Equal("""{"httpAuthSecurityScheme":{"description":"token","scheme":"Bearer"}}""", A2aJson.Serialize(SecurityScheme.Bearer("token")));

    [Fact]
    public void A_send_message_request_round_trips_with_return_immediately_and_a_push_config() => WireRoundTrip.AssertSame<SendMessageRequest>("""
        {
          "message": { "messageId": "m-1", "role": "ROLE_USER", "parts": [ { "text": "Build it" } ] },
          "configuration": {
            "acceptedOutputModes": [ "text/plain" ],
            "taskPushNotificationConfig": { "url": "https://client.example/push", "token": "tok", "authentication": { "scheme": "Bearer", "credentials": "c" } },
            "historyLength": 5,
            "returnImmediately": true
          },
          "metadata": { "k": "v" }
        }
        """);

    [Fact]
    public void Return_immediately_is_false_when_the_configuration_leaves_it_out()
        => Assert.False(WireRoundTrip.Read<SendMessageRequest>("""{ "message": { "messageId": "m", "role": "ROLE_USER", "parts": [] }, "configuration": {} }""").Configuration!.ReturnImmediately);

    [Theory]
    [InlineData("""{ "task": { "id": "t1", "contextId": "c1", "status": { "state": "TASK_STATE_SUBMITTED" } } }""")]
    [InlineData("""{ "message": { "messageId": "m1", "role": "ROLE_AGENT", "parts": [ { "text": "hi" } ] } }""")]
    public void A_send_message_response_is_a_task_or_a_message(string json) => WireRoundTrip.AssertSame<SendMessageResponse>(json);

    [Theory]
    [InlineData("""{ "statusUpdate": { "taskId": "t1", "contextId": "c1", "status": { "state": "TASK_STATE_WORKING" } } }""")]
    [InlineData("""{ "artifactUpdate": { "taskId": "t1", "contextId": "c1", "artifact": { "artifactId": "a1", "parts": [ { "text": "x" } ] }, "append": false, "lastChunk": true } }""")]
    [InlineData("""{ "task": { "id": "t1", "status": { "state": "TASK_STATE_INPUT_REQUIRED" } } }""")]
    public void Stream_events_round_trip(string json) => WireRoundTrip.AssertSame<StreamResponse>(json);

    [Fact]
    public void A_push_config_is_flat_in_v1() => WireRoundTrip.AssertSame<TaskPushNotificationConfig>("""
        { "id": "cfg-1", "taskId": "t1", "url": "https://client.example/push", "token": "tok" }
        """);

    [Fact]
    public void Push_config_requests_and_listing_round_trip()
    {
        WireRoundTrip.AssertSame<GetTaskPushNotificationConfigRequest>("""{ "taskId": "t1", "id": "cfg-1" }""");
        WireRoundTrip.AssertSame<DeleteTaskPushNotificationConfigRequest>("""{ "taskId": "t1", "id": "cfg-1" }""");
        WireRoundTrip.AssertSame<ListTaskPushNotificationConfigsRequest>("""{ "taskId": "t1", "pageSize": 10 }""");
        WireRoundTrip.AssertSame<ListTaskPushNotificationConfigsResponse>("""{ "configs": [ { "id": "cfg-1", "taskId": "t1", "url": "https://c.example/p" } ] }""");
    }

    [Fact]
    public void Task_requests_round_trip()
    {
        WireRoundTrip.AssertSame<GetTaskRequest>("""{ "id": "t1", "historyLength": 0 }""");
        WireRoundTrip.AssertSame<CancelTaskRequest>("""{ "id": "t1" }""");
        WireRoundTrip.AssertSame<SubscribeToTaskRequest>("""{ "id": "t1" }""");
    }

    [Fact]
    public void A_json_rpc_request_round_trips_with_a_numeric_or_string_id()
    {
        var request = WireRoundTrip.Read<JsonRpcRequest>("""{ "jsonrpc": "2.0", "method": "GetTask", "params": { "id": "t1" }, "id": 7 }""");

        Assert.Equal(A2aMethods.GetTask, request.Method);
        Assert.Equal(7, request.Id!.Value.GetInt32());
        Assert.Equal("t1", A2aJson.Deserialize<GetTaskRequest>(request.Params!.Value)!.Id);
        WireRoundTrip.AssertSame<JsonRpcRequest>("""{ "jsonrpc": "2.0", "id": "abc", "method": "CancelTask", "params": { "id": "t1" } }""");
    }

    [Fact]
    public void A_json_rpc_error_answer_writes_the_id_even_when_unknown()
        => Assert.Equal(
            """{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}""",
            A2aJson.Serialize(JsonRpcResponse.Failure(null, A2aErrorCodes.ParseError, "Parse error")));

    [Fact]
    public void A_json_rpc_answer_of_null_writes_the_null_result()
        => Assert.Equal("""{"jsonrpc":"2.0","id":3,"result":null}""", A2aJson.Serialize(new JsonRpcResponse { Id = WireRoundTrip.Element("3") }));

    [Fact]
    public void A_json_rpc_answer_reads_its_result_or_its_error()
    {
        var success = WireRoundTrip.Read<JsonRpcResponse>("""{ "jsonrpc": "2.0", "id": 1, "result": { "task": { "id": "t1", "status": { "state": "TASK_STATE_WORKING" } } } }""");
        var failure = WireRoundTrip.Read<JsonRpcResponse>("""{ "jsonrpc": "2.0", "id": 1, "error": { "code": -32001, "message": "Task not found", "data": { "taskId": "t9" } } }""");

        Assert.Equal(TaskState.Working, success.ResultAs<SendMessageResponse>()!.Task!.Status.State);
        Assert.Null(success.Error);
        Assert.Equal(A2aErrorCodes.TaskNotFound, failure.Error!.Code);
        Assert.Equal("t9", failure.Error.Data!.Value.GetProperty("taskId").GetString());
    }

    [Fact]
    public void A_json_rpc_success_round_trips()
        => WireRoundTrip.AssertSame<JsonRpcResponse>("""{ "jsonrpc": "2.0", "id": 1, "result": { "message": { "messageId": "m", "role": "ROLE_AGENT", "parts": [] } } }""");

    [Fact]
    public void Terminal_and_interrupted_states_are_the_specs()
    {
        Assert.All([TaskState.Completed, TaskState.Failed, TaskState.Canceled, TaskState.Rejected], s => Assert.True(s.IsTerminal()));
        Assert.All([TaskState.InputRequired, TaskState.AuthRequired], s => Assert.True(s.IsInterrupted()));
        Assert.All([TaskState.Submitted, TaskState.Working], s => Assert.False(s.IsTerminal() || s.IsInterrupted()));
    }

    [Fact]
    public void An_unknown_task_state_is_refused_rather_than_guessed()
        => Assert.Throws<JsonException>(() => WireRoundTrip.Read<A2aTaskStatus>("""{ "state": "completed" }"""));
}
