using System.Text.Json;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Webhooks;

namespace ClawGroups.Coordinator.A2a;

/// <summary>
/// The A2A part of a registration: for <c>delivery: "a2a"</c>, the card (fetched from <c>cardUrl</c> or inline) and its
/// JSON-RPC endpoint, vetted under the webhook URL rules. Any other registration passes through untouched.
/// </summary>
public static class A2aRegistration
{
    public sealed record Reading(JsonElement Card, string? CardUrl, A2aCardFacts? Facts);

    public static async Task<Outcome<Reading>> ReadAsync(
        JsonElement body, A2aCardSource cards, WebhookUrlPolicy urlPolicy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cards);
        ArgumentNullException.ThrowIfNull(urlPolicy);
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("delivery", out var delivery)
            || delivery.ValueKind != JsonValueKind.String || delivery.GetString() != "a2a")
        {
            return new Reading(body, null, null);
        }

        var resolved = await cards.ResolveAsync(body, cancellationToken);
        if (!resolved.Succeeded)
        {
            return resolved.Failure!;
        }

        var (card, cardUrl) = resolved.Value;
        var facts = A2aCardFacts.Read(card);
        if (!facts.Succeeded)
        {
            return facts.Failure!;
        }

        return await urlPolicy.CheckAsync("supportedInterfaces.url", facts.Value!.EndpointUrl, cancellationToken) is { } refused
            ? refused
            : new Reading(card, cardUrl, facts.Value);
    }
}
