using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClawGroups.Coordinator.Webhooks;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.A2a;

/// <summary>
/// Calls an A2A agent's JSON-RPC endpoint (A2A v1.0: the <c>A2A-Version</c> header on every call, which the official SDKs
/// require). Through the webhook client, so the address actually dialled is vetted like a webhook's, with the webhook
/// timeout; answers are read up to a size limit.
/// </summary>
public sealed class A2aJsonRpcClient(IHttpClientFactory httpClients, IOptionsMonitor<WebhookOptions> webhooks, IOptionsMonitor<A2aOptions> options)
{
    public async Task<A2aCallResult> CallAsync(string endpoint, string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var body = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = Guid.NewGuid().ToString("N"),
            ["method"] = method,
            ["params"] = parameters,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(A2aProtocol.VersionHeader, A2aProtocol.Version);
        request.Headers.Accept.ParseAdd("application/json");
        var timeoutSeconds = webhooks.CurrentValue.TimeoutSeconds;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        var stopwatch = Stopwatch.StartNew();
        try
        {
            using var response = await httpClients.CreateClient(WebhookDelivery.HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                return A2aCallResult.Unreachable($"The A2A agent answered {status} {response.ReasonPhrase}.", status, stopwatch);
            }

            var bytes = await BoundedBody.ReadAsync(response.Content, options.CurrentValue.MaxResponseBytes, timeout.Token);
            if (bytes is null)
            {
                return A2aCallResult.Unreachable($"The A2A agent's answer is larger than {options.CurrentValue.MaxResponseBytes} bytes.", status, stopwatch);
            }

            return Read(bytes, status, stopwatch);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return A2aCallResult.Unreachable($"No answer within {timeoutSeconds} s.", null, stopwatch);
        }
        catch (HttpRequestException exception)
        {
            return A2aCallResult.Unreachable(exception.Message, null, stopwatch);
        }
    }

    private static A2aCallResult Read(byte[] bytes, int status, Stopwatch stopwatch)
    {
        JsonElement answer;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            answer = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return A2aCallResult.Unreachable("The A2A agent's answer is not JSON.", status, stopwatch);
        }

        if (answer.ValueKind != JsonValueKind.Object)
        {
            return A2aCallResult.Unreachable("The A2A agent's answer is not a JSON-RPC response.", status, stopwatch);
        }

        if (answer.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            var code = error.TryGetProperty("code", out var c) && c.TryGetInt32(out var value) ? value : 0;
            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            return new A2aCallResult(null, new A2aRpcError(code, message ?? ""), null, status, (int)stopwatch.ElapsedMilliseconds);
        }

        return answer.TryGetProperty("result", out var result)
            ? new A2aCallResult(result, null, null, status, (int)stopwatch.ElapsedMilliseconds)
            : A2aCallResult.Unreachable("The A2A agent's answer has neither result nor error.", status, stopwatch);
    }
}

/// <summary>
/// One JSON-RPC call's outcome: a result, an error the agent answered with (it was reached), or a transport failure (it
/// was not: no answer, a non-2xx status, something that is not JSON-RPC).
/// </summary>
public sealed record A2aCallResult(JsonElement? Result, A2aRpcError? Error, string? TransportError, int? StatusCode, int DurationMs)
{
    public bool Reached => TransportError is null;

    internal static A2aCallResult Unreachable(string error, int? status, Stopwatch stopwatch)
        => new(null, null, error, status, (int)stopwatch.ElapsedMilliseconds);
}

public sealed record A2aRpcError(int Code, string Message);
