using System.Text.Json;
using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Coordinator.Calls;

namespace ClawGroups.Coordinator.A2a;

/// <summary>What the server needs from an A2A card beyond a member's profile: where to call it, and whether it pushes.</summary>
public sealed record A2aCardFacts(string EndpointUrl, bool PushNotifications)
{
    /// <summary>
    /// Reads the card's JSON-RPC endpoint (<c>supportedInterfaces[] { url, protocolBinding: "JSONRPC" }</c>; a card that
    /// names none but has a top-level <c>url</c>, as A2A 0.3 cards did, is called there) and its push capability.
    /// </summary>
    public static Outcome<A2aCardFacts> Read(JsonElement card)
    {
        var push = card.TryGetProperty("capabilities", out var capabilities) && capabilities.ValueKind == JsonValueKind.Object
                   && capabilities.TryGetProperty("pushNotifications", out var pushes) && pushes.ValueKind == JsonValueKind.True;
        if (card.TryGetProperty("supportedInterfaces", out var interfaces) && interfaces.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var entry in interfaces.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.Object
                    && entry.TryGetProperty("protocolBinding", out var binding) && binding.ValueKind == JsonValueKind.String
                    && string.Equals(binding.GetString(), A2aProtocol.JsonRpcBinding, StringComparison.OrdinalIgnoreCase))
                {
                    return entry.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String
                        ? new A2aCardFacts(url.GetString()!, push)
                        : Failure.Invalid($"supportedInterfaces[{index}].url", "The JSON-RPC interface needs a url.");
                }

                index++;
            }
        }

        return card.TryGetProperty("url", out var legacy) && legacy.ValueKind == JsonValueKind.String
            ? new A2aCardFacts(legacy.GetString()!, push)
            : Failure.Invalid("supportedInterfaces", "The card names no JSON-RPC interface (supportedInterfaces[] with protocolBinding \"JSONRPC\"): there is nowhere to send work.");
    }
}
