namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>The JSON-RPC error codes: the standard ones and those A2A v1.0 adds.</summary>
public static class A2aErrorCodes
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;

    public const int TaskNotFound = -32001;
    public const int TaskNotCancelable = -32002;
    public const int PushNotificationNotSupported = -32003;
    public const int UnsupportedOperation = -32004;
    public const int ContentTypeNotSupported = -32005;
    public const int InvalidAgentResponse = -32006;
    public const int ExtendedAgentCardNotConfigured = -32007;
    public const int ExtensionSupportRequired = -32008;
    public const int VersionNotSupported = -32009;
}
