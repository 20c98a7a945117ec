namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>The JSON-RPC method names of A2A v1.0 (0.3's <c>message/send</c> style names are not spoken).</summary>
public static class A2aMethods
{
    public const string SendMessage = "SendMessage";
    public const string SendStreamingMessage = "SendStreamingMessage";
    public const string GetTask = "GetTask";
    public const string ListTasks = "ListTasks";
    public const string CancelTask = "CancelTask";
    public const string SubscribeToTask = "SubscribeToTask";
    public const string CreateTaskPushNotificationConfig = "CreateTaskPushNotificationConfig";
    public const string GetTaskPushNotificationConfig = "GetTaskPushNotificationConfig";
    public const string ListTaskPushNotificationConfigs = "ListTaskPushNotificationConfigs";
    public const string DeleteTaskPushNotificationConfig = "DeleteTaskPushNotificationConfig";
    public const string GetExtendedAgentCard = "GetExtendedAgentCard";
}
