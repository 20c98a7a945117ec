using ClawGroups.Coordinator.Calls;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ClawGroups.Web.Api;

/// <summary>Turns service outcomes into HTTP answers: the value, or RFC 7807 problem details with the right status.</summary>
internal static class ApiResults
{
    public static Results<Ok<T>, ProblemHttpResult> Ok<T>(Outcome<T> outcome)
        => outcome.Succeeded ? TypedResults.Ok(outcome.Value) : Problem(outcome.Failure!);

    /// <summary>201 with the new resource; <paramref name="location"/> only where there is an address to read it back from.</summary>
    public static Results<Created<T>, ProblemHttpResult> Created<T>(Outcome<T> outcome, Func<T, string>? location = null)
        => outcome.Succeeded ? TypedResults.Created(location?.Invoke(outcome.Value!), outcome.Value) : Problem(outcome.Failure!);

    public static ProblemHttpResult Problem(Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var status = StatusOf(failure.Kind);
        ProblemDetails problem = failure.Errors is { } errors
            ? new HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value))
            : new ProblemDetails();
        problem.Status = status;
        problem.Title = failure.Title;
        problem.Detail = failure.Detail;
        problem.Type = $"https://httpwg.org/specs/rfc9110.html#status.{status}";
        foreach (var (key, value) in failure.Extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult Problem(int status, string title, string detail)
        => TypedResults.Problem(new ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"https://httpwg.org/specs/rfc9110.html#status.{status}" });

    private static int StatusOf(FailureKind kind) => kind switch
    {
        FailureKind.Invalid => StatusCodes.Status422UnprocessableEntity,
        FailureKind.NotFound => StatusCodes.Status404NotFound,
        FailureKind.Forbidden => StatusCodes.Status403Forbidden,
        FailureKind.Conflict => StatusCodes.Status409Conflict,
        FailureKind.Unauthorized => StatusCodes.Status401Unauthorized,
        FailureKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status500InternalServerError,
    };
}
