using System.Net;

namespace ClawGroups.AgentSimulator.Api;

/// <summary>A non-2xx answer from the API, with its problem body.</summary>
public sealed class ClawApiException : Exception
{
    public ClawApiException()
    {
        Method = "";
        Path = "";
    }

    public ClawApiException(string message)
        : base(message)
    {
        Method = "";
        Path = "";
    }

    public ClawApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Method = "";
        Path = "";
    }

    public ClawApiException(string method, string path, HttpStatusCode statusCode, string? body, ClawProblem? problem, TimeSpan? retryAfter)
        : base(Describe(method, path, statusCode, body, problem))
    {
        Method = method;
        Path = path;
        StatusCode = statusCode;
        Body = body;
        Problem = problem;
        RetryAfter = retryAfter;
    }

    public string Method { get; }
    public string Path { get; }
    public HttpStatusCode StatusCode { get; }

    /// <summary>The raw answer body, whatever its media type.</summary>
    public string? Body { get; }

    /// <summary>The RFC 7807 body; null when the answer was not a JSON object.</summary>
    public ClawProblem? Problem { get; }

    /// <summary>From a 429's or 503's <c>Retry-After</c>.</summary>
    public TimeSpan? RetryAfter { get; }

    private static string Describe(string method, string path, HttpStatusCode statusCode, string? body, ClawProblem? problem)
    {
        var what = problem is null
            ? Truncate(body)
            : string.Join(" — ", new[] { problem.Title, problem.Detail }.Where(part => !string.IsNullOrEmpty(part)));
        return $"{method} {path} answered {(int)statusCode} {statusCode}{(string.IsNullOrEmpty(what) ? "" : ": " + what)}";
    }

    private static string? Truncate(string? body) => body is { Length: > 300 } ? body[..300] + "…" : body;
}
