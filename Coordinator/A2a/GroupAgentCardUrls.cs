namespace ClawGroups.Coordinator.A2a;

/// <summary>Where a group answers over A2A, from the server's public base address.</summary>
public static class GroupAgentCardUrls
{
    public const string PathPrefix = "/a2a";

    /// <summary>The JSON-RPC endpoint, <c>{base}/a2a/{groupId}</c>: also the agent's base URL.</summary>
    public static string EndpointUrl(string baseUri, Guid groupId) => $"{Trimmed(baseUri)}{PathPrefix}/{groupId}";

    /// <summary>The public card, <c>{base}/a2a/{groupId}/.well-known/agent-card.json</c>.</summary>
    public static string CardUrl(string baseUri, Guid groupId) => $"{EndpointUrl(baseUri, groupId)}/{Protocol.A2aProtocol.AgentCardPath}";

    private static string Trimmed(string baseUri)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        return baseUri.TrimEnd('/');
    }
}
