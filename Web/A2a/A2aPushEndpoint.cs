using ClawGroups.Coordinator.A2a;
using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClawGroups.Web.A2a;

/// <summary>
/// Where A2A agents push their tasks' updates: one URL per attempt, given with the task's push-notification config, and
/// authenticated by the token that config carried (decision 0027). Plumbing between servers, not part of the API.
/// </summary>
internal static class A2aPushEndpoint
{
    public const string Path = "/a2a-push/{assignmentId:guid}";

    public static WebApplication MapA2aPush(this WebApplication app)
    {
        app.MapPost(Path, ReceiveAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription()
            .WithSummary("An A2A agent's push notification for one attempt's task.");
        return app;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ReceiveAsync(
        Guid assignmentId, HttpRequest request, A2aPushReceiver receiver, CancellationToken cancellationToken)
    {
        var token = request.Headers[A2aProtocol.NotificationTokenHeader].ToString();
        return await receiver.ReceiveAsync(assignmentId, token, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Push not accepted",
                detail: $"A push needs the {A2aProtocol.NotificationTokenHeader} this server gave with the task, for an attempt still open.");
    }
}
