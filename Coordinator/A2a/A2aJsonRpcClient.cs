using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ClawGroups.Coordinator.A2a.Protocol;
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
    private long _nextId;

    public async Task<A2aCallResult> CallAsync<TParams>(string endpoint, string method, TParams parameters, CancellationToken cancellationToken)
    {
        var call = JsonRpcRequest.Create(method, parameters, Interlocked.Increment(ref _nextId));
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(A2aJson.Serialize(call), Encoding.UTF8, A2aProtocol.JsonRpcMediaType),
        };
        request.Headers.Add(A2aProtocol.VersionHeader, A2aProtocol.Version);
        request.Headers.Accept.ParseAdd(A2aProtocol.JsonRpcMediaType);
        var timeoutSeconds = webhooks.CurrentValue.TimeoutSeconds;
        var maxBytes = options.CurrentValue.MaxResponseBytes;
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

            var bytes = await BoundedBody.ReadAsync(response.Content, maxBytes, timeout.Token);
            return bytes is null
                ? A2aCallResult.Unreachable($"The A2A agent's answer is larger than {maxBytes} bytes.", status, stopwatch)
                : Read(bytes, status, stopwatch);
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
        JsonRpcResponse? answer;
        try
        {
            answer = JsonSerializer.Deserialize<JsonRpcResponse>(bytes, A2aJson.Options);
        }
        catch (JsonException)
        {
            answer = null;
        }

        return answer is null || (answer.Result is null && answer.Error is null)
            ? A2aCallResult.Unreachable("The A2A agent's answer is not a JSON-RPC response.", status, stopwatch)
            : new A2aCallResult(answer, null, status, (int)stopwatch.ElapsedMilliseconds);
    }
}

/// <summary>
/// One JSON-RPC call's outcome: the agent's answer (a result, or an error: either way it was reached), or a transport
/// failure (it was not: no answer, a non-2xx status, something that is not JSON-RPC).
/// </summary>
public sealed record A2aCallResult(JsonRpcResponse? Answer, string? TransportError, int? StatusCode, int DurationMs)
{
    public bool Reached => TransportError is null;

    public JsonRpcError? Error => Answer?.Error;

    /// <summary>The result read as <typeparamref name="T"/>; default when there is none or it does not read as one.</summary>
    public T? ResultAs<T>()
    {
        try
        {
            return Answer is null ? default : Answer.ResultAs<T>();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    internal static A2aCallResult Unreachable(string error, int? status, Stopwatch stopwatch)
        => new(null, error, status, (int)stopwatch.ElapsedMilliseconds);
}
