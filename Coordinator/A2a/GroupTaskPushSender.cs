using System.Net.Http.Headers;
using System.Text;
using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Coordinator.Webhooks;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Coordinator.A2a;

/// <summary>
/// Posts a task update to a client's push URL as A2A v1.0 does: the <see cref="StreamResponse"/> as
/// <c>application/a2a+json</c>, the config's token in <c>X-A2A-Notification-Token</c>, 5 s to answer, never retried.
/// It dials through the webhook client, so the same rules hold: no private addresses unless allowed, no redirects.
/// </summary>
public sealed partial class GroupTaskPushSender(IHttpClientFactory clients, ILogger<GroupTaskPushSender> logger)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task SendAsync(TaskPushNotificationConfig config, StreamResponse body)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var timeout = new CancellationTokenSource(Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, config.Url)
        {
            Content = new StringContent(A2aJson.Serialize(body), Encoding.UTF8, A2aProtocol.PushMediaType),
        };
        if (!string.IsNullOrEmpty(config.Token))
        {
            request.Headers.TryAddWithoutValidation(A2aProtocol.NotificationTokenHeader, config.Token);
        }

        if (config.Authentication is { Scheme.Length: > 0 } authentication)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(authentication.Scheme, authentication.Credentials);
        }

        try
        {
            using var client = clients.CreateClient(WebhookDelivery.HttpClientName);
            using var response = await client.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogRefused(logger, config.TaskId, (int)response.StatusCode);
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            // Pushes are not retried (A2A leaves that to the client, which can always read the task): log and move on.
            LogFailed(logger, exception, config.TaskId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A2A push for task {TaskId} was answered {StatusCode}")]
    private static partial void LogRefused(ILogger logger, string? taskId, int statusCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "A2A push for task {TaskId} did not arrive")]
    private static partial void LogFailed(ILogger logger, Exception exception, string? taskId);
}
