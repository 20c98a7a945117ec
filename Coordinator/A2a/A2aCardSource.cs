using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Webhooks;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.A2a;

/// <summary>
/// The card an A2A agent registers with: fetched from its <c>cardUrl</c> under the webhook URL rules (the address vetted
/// before and at connection, the webhook timeout, a size limit), with the fields sent beside <c>cardUrl</c> laid over it —
/// or the posted body itself when the card came inline.
/// </summary>
public sealed class A2aCardSource(
    IHttpClientFactory httpClients, WebhookUrlPolicy urlPolicy, IOptionsMonitor<WebhookOptions> webhooks, IOptionsMonitor<A2aOptions> options)
{
    public const string CardUrlField = "cardUrl";

    /// <summary>The card to register, and the URL it came from (null for an inline card).</summary>
    public async Task<Outcome<(JsonElement Card, string? CardUrl)>> ResolveAsync(JsonElement body, CancellationToken cancellationToken)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(CardUrlField, out var urlElement) || urlElement.ValueKind == JsonValueKind.Null)
        {
            return (body, null);
        }

        if (urlElement.ValueKind != JsonValueKind.String)
        {
            return Failure.Invalid(CardUrlField, "cardUrl must be a string: the URL of the agent's card.");
        }

        var cardUrl = urlElement.GetString()!.Trim();
        var fetched = await FetchAsync(cardUrl, cancellationToken);
        if (!fetched.Succeeded)
        {
            return fetched.Failure!;
        }

        // Fields sent beside cardUrl override the card's (a local name, a capacity); cardUrl itself is not a card field.
        var card = fetched.Value!;
        foreach (var field in body.EnumerateObject().Where(f => f.Name != CardUrlField))
        {
            card[field.Name] = JsonNode.Parse(field.Value.GetRawText());
        }

        return (JsonSerializer.SerializeToElement(card), cardUrl);
    }

    /// <summary>Fetches and parses the card at <paramref name="cardUrl"/>; every refusal names the cardUrl field.</summary>
    public async Task<Outcome<JsonObject>> FetchAsync(string cardUrl, CancellationToken cancellationToken)
    {
        if (await urlPolicy.CheckAsync(CardUrlField, cardUrl, cancellationToken) is { } refused)
        {
            return refused;
        }

        var timeoutSeconds = webhooks.CurrentValue.TimeoutSeconds;
        var maxBytes = options.CurrentValue.MaxCardBytes;
        using var request = new HttpRequestMessage(HttpMethod.Get, cardUrl);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        byte[]? bytes;
        try
        {
            using var response = await httpClients.CreateClient(WebhookDelivery.HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return Failure.Invalid(CardUrlField, $"Fetching the card at cardUrl answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            bytes = await BoundedBody.ReadAsync(response.Content, maxBytes, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failure.Invalid(CardUrlField, $"The card at cardUrl did not arrive within {timeoutSeconds} s.");
        }
        catch (HttpRequestException exception)
        {
            return Failure.Invalid(CardUrlField, $"The card at cardUrl could not be fetched: {exception.Message}");
        }

        if (bytes is null)
        {
            return Failure.Invalid(CardUrlField, $"The card at cardUrl is larger than {maxBytes} bytes.");
        }

        try
        {
            return JsonNode.Parse(bytes) is JsonObject card
                ? card
                : Failure.Invalid(CardUrlField, "The card at cardUrl is not a JSON object.");
        }
        catch (JsonException)
        {
            return Failure.Invalid(CardUrlField, "The card at cardUrl is not JSON.");
        }
    }
}
