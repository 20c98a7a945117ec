using System.Globalization;
using ClawGroups.Coordinator.Calls;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClawGroups.Web.Api;

/// <summary>
/// Sends a 429's wait as the <c>Retry-After</c> header too. A service says how long to wait in its failure
/// (<see cref="Failure.TooManyRequests"/>), which the problem body carries as <c>retryAfter</c>; a typed result has no
/// headers of its own, so the header is set here, on the way out, for every endpoint at once.
/// </summary>
internal sealed class RetryAfterFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var result = await next(context);
        var answer = result is INestedHttpResult nested ? nested.Result : result;
        if (answer is ProblemHttpResult { StatusCode: StatusCodes.Status429TooManyRequests } problem
            && problem.ProblemDetails.Extensions.TryGetValue(Failure.RetryAfterExtension, out var seconds) && seconds is int wait)
        {
            context.HttpContext.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
        }

        return result;
    }
}
