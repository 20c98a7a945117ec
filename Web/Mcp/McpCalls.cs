using ClawGroups.Coordinator.Agents;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Web.Accounts;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClawGroups.Web.Mcp;

/// <summary>
/// What every tool does around its one service call: act as the authenticated caller, count an agent's call as its
/// heartbeat, run the call again on fresh data when it lost a concurrency race (as the REST API's retry filter does), and
/// turn a refusal into a tool error whose text is the problem's title and detail. The service decides; this only carries.
/// The tools build their CallToolResult here rather than throwing: the SDK would prefix a thrown McpException's text and
/// log every refusal as an unhandled exception, and a refusal is an answer, not a fault.
/// </summary>
internal static class McpCalls
{
    public static async Task<CallToolResult> RunAsync<TService, TValue, TAnswer>(
        MessageContext request,
        Func<TService, Caller, CancellationToken, Task<Outcome<TValue>>> call,
        Func<TValue, TAnswer> answer,
        CancellationToken cancellationToken)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(answer);
        // The endpoint requires an authenticated bearer token: a message without a user never reaches a tool.
        var caller = (request.User ?? throw new McpException("No credentials came with this call.")).ToCaller();
        var scopes = (request.Services ?? throw new InvalidOperationException("The MCP request has no services.")).GetRequiredService<IServiceScopeFactory>();
        if (caller.IsAgent)
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<AgentPresenceService>().SignOfLifeAsync(caller, cancellationToken);
        }

        var outcome = await WithRetriesAsync(scopes, caller, call, cancellationToken);
        return outcome.Succeeded ? Answered(answer(outcome.Value!)) : Refused(outcome.Failure!);
    }

    /// <summary>The answer as structuredContent (the REST answer's fields, nulls kept) and the same JSON as text.</summary>
    public static CallToolResult Answered<TAnswer>(TAnswer answer)
    {
        var json = JsonSerializer.SerializeToElement(answer, McpJson.Options);
        return new CallToolResult { StructuredContent = json, Content = [new TextContentBlock { Text = json.GetRawText() }] };
    }

    /// <summary>A refused call: <c>isError: true</c> with the problem's title and detail, so a model reads why.</summary>
    public static CallToolResult Refused(Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = $"{failure.Title}: {failure.Detail}" }] };
    }

    private static async Task<Outcome<TValue>> WithRetriesAsync<TService, TValue>(
        IServiceScopeFactory scopes, Caller caller, Func<TService, Caller, CancellationToken, Task<Outcome<TValue>>> call, CancellationToken cancellationToken)
        where TService : notnull
    {
        for (var attempt = 1; ; attempt++)
        {
            // A fresh scope per try: the retry decides on fresh data.
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                return await call(scope.ServiceProvider.GetRequiredService<TService>(), caller, cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < ConcurrentChange.Attempts)
            {
                // Lost a race; the next try starts over.
            }
            catch (DbUpdateConcurrencyException)
            {
                return ConcurrentChange.Failure;
            }
        }
    }
}
