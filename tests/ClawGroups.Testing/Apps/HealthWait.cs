using System.Diagnostics;
using System.Net;

namespace ClawGroups.Testing.Apps;

/// <summary>Waits for an app started as a process to answer <c>GET /health</c> with 200, giving up early if it exits.</summary>
public static class HealthWait
{
    /// <summary>
    /// Polls <paramref name="baseUrl"/><c>health</c> until it answers 200. Before each try <paramref name="throwIfExited"/>
    /// throws (with the server's output) if the process is gone; at the deadline a <see cref="TimeoutException"/> says
    /// <paramref name="whatWasSeen"/>.
    /// </summary>
    public static async Task UntilHealthyAsync(Uri baseUrl, TimeSpan timeout, Func<Task> throwIfExited, Func<string> whatWasSeen)
    {
        ArgumentNullException.ThrowIfNull(throwIfExited);
        ArgumentNullException.ThrowIfNull(whatWasSeen);
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            await throwIfExited();
            try
            {
                using var response = await http.GetAsync(new Uri("health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"GET {baseUrl}health did not answer 200 within {timeout}:\n{whatWasSeen()}");
    }
}
