using ClawGroups.Coordinator.A2a;
using ClawGroups.Coordinator.A2a.Protocol;

namespace ClawGroups.Coordinator.Tests.A2a;

/// <summary>How a task's parts become an item's artifacts and summary (docs/API.md, "An A2A agent joins").</summary>
public sealed class A2aTaskReadingTests
{
    [Fact]
    public void Text_parts_are_joined_data_parts_written_as_json_and_the_media_type_is_the_parts()
    {
        var task = A2aJson.Deserialize<A2aTask>("""
            { "id": "t1", "contextId": "c1", "status": { "state": "TASK_STATE_COMPLETED", "timestamp": "2026-12-02T10:00:00Z" },
              "artifacts": [
                { "artifactId": "a1", "name": "notes", "parts": [ { "text": "one" }, { "text": "two" } ] },
                { "artifactId": "a2", "parts": [ { "data": { "score": 9 } } ] },
                { "artifactId": "a3", "name": "page", "parts": [ { "text": "# Title", "mediaType": "text/markdown" } ] } ] }
            """)!;

        var reading = A2aTaskReading.Read(task);

        Assert.Equal(TaskState.Completed, reading.State);
        Assert.Equal(("notes", "text/plain", "one\n\ntwo"), (reading.Artifacts[0].Name, reading.Artifacts[0].MediaType, reading.Artifacts[0].Content));
        Assert.Equal(("a2", "application/json", """{"score":9}"""), (reading.Artifacts[1].Name, reading.Artifacts[1].MediaType, reading.Artifacts[1].Content));
        Assert.Equal("text/markdown", reading.Artifacts[2].MediaType);
        Assert.Equal("one\n\ntwo", reading.Summary);
    }

    [Fact]
    public void The_final_status_message_is_the_summary_when_there_is_one()
    {
        var task = A2aJson.Deserialize<A2aTask>("""
            { "id": "t1", "status": { "state": "TASK_STATE_COMPLETED",
                                       "message": { "messageId": "m1", "role": "ROLE_AGENT", "parts": [ { "text": "All done." } ] } },
              "artifacts": [ { "artifactId": "a1", "parts": [ { "text": "body" } ] } ] }
            """)!;

        Assert.Equal("All done.", A2aTaskReading.Read(task).Summary);
    }

    [Fact]
    public void The_same_update_read_twice_has_the_same_fingerprint_and_a_new_status_a_new_one()
    {
        const string Working = """{ "id": "t1", "status": { "state": "TASK_STATE_WORKING", "timestamp": "2026-12-02T10:00:00Z" } }""";
        const string Later = """{ "id": "t1", "status": { "state": "TASK_STATE_WORKING", "timestamp": "2026-12-02T10:00:05Z" } }""";

        var first = A2aTaskReading.Read(A2aJson.Deserialize<A2aTask>(Working)!);
        var again = A2aTaskReading.Read(A2aJson.Deserialize<A2aTask>(Working)!);
        var later = A2aTaskReading.Read(A2aJson.Deserialize<A2aTask>(Later)!);

        Assert.Equal(first.Fingerprint, again.Fingerprint);
        Assert.NotEqual(first.Fingerprint, later.Fingerprint);
    }
}
