using ClawGroups.Coordinator.Groups;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Data.Database;
using ClawGroups.Web.Accounts;

namespace ClawGroups.Web.Api;

/// <summary>
/// A person's API call keeps them present for the coordinator (<see cref="PersonPresence"/>): someone working through the
/// API is at their desk, page or no page.
/// </summary>
internal sealed class PersonPresenceFilter(ClawDbContext context, IWorkSignals signals, TimeProvider time) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        ArgumentNullException.ThrowIfNull(next);
        var http = invocation.HttpContext;
        if (http.User.Identity?.IsAuthenticated == true && http.User.ToCaller() is { IsHuman: true } caller)
        {
            await PersonPresence.StampApiCallAsync(context, signals, caller.Id, time.GetUtcNow(), http.RequestAborted);
        }

        return await next(invocation);
    }
}
