using Microsoft.AspNetCore.Diagnostics;

namespace ClawGroups.Web.Api;

/// <summary>
/// A request the framework could not bind (<c>?waitSeconds=abc</c>, a number too large for its type) gets problem
/// details that name the parameter, in every environment. Without this, Development answered 500 and Production a
/// bare 400 with nothing to act on.
/// </summary>
internal sealed class BadRequestExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
        {
            return false;
        }

        await ApiResults.Problem(bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request too large" : "Bad request", bad.Message)
            .ExecuteAsync(httpContext);
        return true;
    }
}
