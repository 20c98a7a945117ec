using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Api;

/// <summary>
/// Runs a request again when it lost an optimistic-concurrency race (a human's review while the agent reports,
/// two coordinators on one item). Every operation re-reads the state it acts on, so running it again decides on
/// fresh data; after the last try the client gets 409.
/// </summary>
internal sealed class ConcurrencyRetryFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        try
        {
            // Kept for a second try, however the handler reads it (a request without a body costs nothing here).
            await BufferedBody.ReadAsync(http.Request);
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return JsonBody.TooLarge(http);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await next(context);
            }
            catch (DbUpdateConcurrencyException) when (attempt < ConcurrentChange.Attempts)
            {
                http.RequestServices.GetRequiredService<ClawDbContext>().ChangeTracker.Clear();
                http.RequestServices.GetRequiredService<WorkItemLifecycle>().Reset();
                // The kept bytes, from the start again: the try before read them.
                await BufferedBody.ReadAsync(http.Request);
            }
            catch (DbUpdateConcurrencyException)
            {
                return ApiResults.Problem(StatusCodes.Status409Conflict, ConcurrentChange.Title, ConcurrentChange.Detail);
            }
        }
    }
}
