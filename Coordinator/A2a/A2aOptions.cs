using System.ComponentModel.DataAnnotations;

namespace ClawGroups.Coordinator.A2a;

/// <summary>The <c>ClawGroups:A2a</c> section: how the server talks to agents that speak A2A (decision 0027).</summary>
public sealed class A2aOptions
{
    public const string SectionName = "ClawGroups:A2a";

    /// <summary>
    /// This server's address as A2A agents reach it (<c>https://claw.example/</c>), for the push-notification URL they are
    /// given. Empty: the address the agent was registered through.
    /// </summary>
    public string? CallbackBaseUrl { get; set; }

    /// <summary>A fetched agent card larger than this is refused (413): a card is a few kilobytes.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxCardBytes { get; set; } = 256 * 1024;

    /// <summary>A JSON-RPC answer larger than this is refused: it would be stored as the item's result.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 4 * 1024 * 1024;
}
