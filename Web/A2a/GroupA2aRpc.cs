using System.Text.Json;
using ClawGroups.Coordinator.A2a;
using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Web.Accounts;
using ClawGroups.Web.Api;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ClawGroups.Web.A2a;

/// <summary>
/// The JSON-RPC door of a group's A2A endpoint: who may call is an HTTP question (401, 403, 404 as problem details, like
/// the REST API); what they call is JSON-RPC (errors with A2A's codes). A call must say <c>A2A-Version: 1.0</c>: without
/// the header a client speaks 0.3, whose methods and shapes differ.
/// </summary>
internal static class GroupA2aRpc
{
    public static async Task HandleAsync(
        Guid groupId, HttpContext http, GroupTasks tasks, GroupTaskWatch watch, GroupTaskPushes pushes, WebhookUrlPolicy urls,
        IOptionsMonitor<ApiOptions> api)
    {
        var cancellationToken = http.RequestAborted;
        var caller = http.User.ToCaller();
        if (await tasks.CheckCallerAsync(caller, groupId, cancellationToken) is { } denied)
        {
            await ApiResults.Problem(denied).ExecuteAsync(http);
            return;
        }

        var (request, invalid) = await ReadAsync(http, api.CurrentValue.MaxRequestBodyBytes);
        if (invalid is not null)
        {
            await WriteAsync(http, invalid);
            return;
        }

        if (!string.Equals(http.Request.Headers[A2aProtocol.VersionHeader].ToString().Trim(), A2aProtocol.Version, StringComparison.Ordinal))
        {
            await WriteAsync(http, JsonRpcResponse.Failure(request!.Id, A2aErrorCodes.VersionNotSupported,
                $"This agent speaks A2A {A2aProtocol.Version} only: send the header {A2aProtocol.VersionHeader}: {A2aProtocol.Version} (a call without it is read as 0.3)."));
            return;
        }

        var call = new GroupA2aCall(groupId, caller, request!, tasks, watch, pushes, urls);
        switch (request!.Method)
        {
            case A2aMethods.SendStreamingMessage:
                await GroupA2aStream.SendAsync(http, call);
                return;
            case A2aMethods.SubscribeToTask:
                await GroupA2aStream.SubscribeAsync(http, call);
                return;
            default:
                await WriteAsync(http, await GroupA2aMethods.AnswerAsync(call, cancellationToken));
                return;
        }
    }

    public static Task WriteAsync(HttpContext http, JsonRpcResponse response)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = A2aProtocol.JsonRpcMediaType;
        return http.Response.WriteAsync(A2aJson.Serialize(response), http.RequestAborted);
    }

    private static async Task<(JsonRpcRequest? Request, JsonRpcResponse? Error)> ReadAsync(HttpContext http, long maxBytes)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        if (!http.Request.HasJsonContentType())
        {
            return (null, JsonRpcResponse.Failure(null, A2aErrorCodes.ContentTypeNotSupported, "Send JSON-RPC calls as Content-Type: application/json."));
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException exception)
        {
            return (null, JsonRpcResponse.Failure(null, A2aErrorCodes.ParseError, $"Parse error: {exception.Message}"));
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, JsonRpcResponse.Failure(null, A2aErrorCodes.InvalidRequest, $"Invalid request: the body is larger than {maxBytes} bytes."));
        }

        using (document)
        {
            var root = document.RootElement;
            var id = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var idElement)
                && idElement.ValueKind is JsonValueKind.String or JsonValueKind.Number ? idElement.Clone() : (JsonElement?)null;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || version.GetString() != JsonRpcRequest.Version
                || !root.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String)
            {
                return (null, JsonRpcResponse.Failure(id, A2aErrorCodes.InvalidRequest, "Invalid request: a JSON-RPC 2.0 call needs \"jsonrpc\": \"2.0\" and a method."));
            }

            return (new JsonRpcRequest
            {
                Id = id,
                Method = method.GetString()!,
                Params = root.TryGetProperty("params", out var parameters) ? parameters.Clone() : null,
            }, null);
        }
    }
}
