namespace ClawGroups.Coordinator.A2a;

/// <summary>The constants of A2A v1.0's JSON-RPC binding that the server's client side relies on.</summary>
public static class A2aProtocol
{
    public const string Version = "1.0";
    public const string VersionHeader = "A2A-Version";
    public const string JsonRpcBinding = "JSONRPC";

    /// <summary>The header the official SDKs' push sender carries the config's token in.</summary>
    public const string NotificationTokenHeader = "X-A2A-Notification-Token";

    public const string SendMessage = "SendMessage";
    public const string GetTask = "GetTask";
    public const string CancelTask = "CancelTask";

    /// <summary>The task states, as the v1.0 JSON binding writes them.</summary>
    public static class States
    {
        public const string Submitted = "TASK_STATE_SUBMITTED";
        public const string Working = "TASK_STATE_WORKING";
        public const string Completed = "TASK_STATE_COMPLETED";
        public const string Failed = "TASK_STATE_FAILED";
        public const string Canceled = "TASK_STATE_CANCELED";
        public const string InputRequired = "TASK_STATE_INPUT_REQUIRED";
        public const string Rejected = "TASK_STATE_REJECTED";
        public const string AuthRequired = "TASK_STATE_AUTH_REQUIRED";
    }
}
