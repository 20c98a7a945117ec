using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ClawGroups.AgentSimulator.Api;

/// <summary>A 2xx answer as it came: status, headers and body, for calls whose answer the contract leaves open.</summary>
public sealed record ClawApiResponse(HttpStatusCode StatusCode, HttpResponseHeaders Headers, string Body)
{
    public bool HasBody => !string.IsNullOrWhiteSpace(Body);

    /// <summary>The body as JSON; null when there is none.</summary>
    public JsonElement? Json => HasBody ? JsonSerializer.Deserialize<JsonElement>(Body) : null;

    public T? As<T>() => HasBody ? JsonSerializer.Deserialize<T>(Body, ClawJson.Options) : default;
}
