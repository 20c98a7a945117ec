using System.Text.Json.Serialization;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>A task's lifecycle state, written as the spec's names.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskState>))]
public enum TaskState
{
    [JsonStringEnumMemberName("TASK_STATE_UNSPECIFIED")]
    Unspecified = 0,

    [JsonStringEnumMemberName("TASK_STATE_SUBMITTED")]
    Submitted = 1,

    [JsonStringEnumMemberName("TASK_STATE_WORKING")]
    Working = 2,

    [JsonStringEnumMemberName("TASK_STATE_COMPLETED")]
    Completed = 3,

    [JsonStringEnumMemberName("TASK_STATE_FAILED")]
    Failed = 4,

    [JsonStringEnumMemberName("TASK_STATE_CANCELED")]
    Canceled = 5,

    [JsonStringEnumMemberName("TASK_STATE_INPUT_REQUIRED")]
    InputRequired = 6,

    [JsonStringEnumMemberName("TASK_STATE_REJECTED")]
    Rejected = 7,

    [JsonStringEnumMemberName("TASK_STATE_AUTH_REQUIRED")]
    AuthRequired = 8,
}

public static class TaskStates
{
    /// <summary>Completed, failed, canceled and rejected: nothing more happens to the task.</summary>
    public static bool IsTerminal(this TaskState state)
        => state is TaskState.Completed or TaskState.Failed or TaskState.Canceled or TaskState.Rejected;

    /// <summary>Input or auth required: the task waits for the client.</summary>
    public static bool IsInterrupted(this TaskState state)
        => state is TaskState.InputRequired or TaskState.AuthRequired;
}
