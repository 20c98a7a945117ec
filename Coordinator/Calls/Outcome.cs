namespace ClawGroups.Coordinator.Calls;

/// <summary>The expected ways an operation fails; the API turns each into its HTTP status.</summary>
public enum FailureKind
{
    /// <summary>Well-formed but invalid input (422), with the fields at fault.</summary>
    Invalid,

    /// <summary>No such thing, or not visible to the caller (404).</summary>
    NotFound,

    /// <summary>It exists, but it is not the caller's (403).</summary>
    Forbidden,

    /// <summary>Not allowed in the current state (409).</summary>
    Conflict,

    /// <summary>The credentials are not valid for this (401).</summary>
    Unauthorized,

    /// <summary>Too much, too fast: allowed again later (429), after <see cref="Failure.RetryAfterSeconds"/> when it says.</summary>
    TooManyRequests,
}

/// <summary>Why an operation did not happen, in words a person can act on.</summary>
public sealed record Failure(
    FailureKind Kind,
    string Title,
    string Detail,
    IReadOnlyDictionary<string, string[]>? Errors = null,
    IReadOnlyDictionary<string, object?>? Extensions = null)
{
    /// <summary>The problem member that carries how many seconds to wait before trying again.</summary>
    public const string RetryAfterExtension = "retryAfter";

    public static Failure NotFound(string what, Guid id) => new(FailureKind.NotFound, $"Unknown {what}", $"There is no {what} with id {id}.");

    public static Failure Forbidden(string detail) => new(FailureKind.Forbidden, "Not yours", detail);

    public static Failure Conflict(string detail, IReadOnlyDictionary<string, object?>? extensions = null)
        => new(FailureKind.Conflict, "Not allowed in the current state", detail, Extensions: extensions);

    public static Failure Invalid(string field, string message)
        => new(FailureKind.Invalid, "Invalid request", message, new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>
    /// Refused for now, allowed again in <paramref name="retryAfter"/>; the seconds travel as the problem's
    /// <c>retryAfter</c> (which the API also sends as the <c>Retry-After</c> header) and are said in the detail, for an MCP
    /// client that reads only the text.
    /// </summary>
    public static Failure TooManyRequests(string detail, TimeSpan retryAfter)
        => new(FailureKind.TooManyRequests, "Slow down", detail,
            Extensions: new Dictionary<string, object?> { [RetryAfterExtension] = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) });

    /// <summary>The seconds to wait before trying again, where the failure says.</summary>
    public int? RetryAfterSeconds => Extensions?.GetValueOrDefault(RetryAfterExtension) as int?;

    public static Failure Invalid(IReadOnlyDictionary<string, string[]> errors)
        => new(FailureKind.Invalid, "Invalid request", string.Join(" ", errors.SelectMany(e => e.Value)), errors);
}

/// <summary>Either a value or the <see cref="Failure"/> that prevented it.</summary>
public readonly record struct Outcome<T>
{
    private Outcome(T? value, Failure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }

    public Failure? Failure { get; }

    public bool Succeeded => Failure is null;

#pragma warning disable CA2225 // Implicit conversions keep service code readable; Success/Fail are the named alternates.
    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(Failure failure) => new(default, failure);
#pragma warning restore CA2225

    public static Outcome<T> Success(T value) => new(value, null);

    public static Outcome<T> Fail(Failure failure) => new(default, failure);
}
