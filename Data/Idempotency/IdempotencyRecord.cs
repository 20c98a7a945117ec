namespace ClawGroups.Data.Idempotency;

/// <summary>
/// The answer given to a POST with an <c>Idempotency-Key</c>, so that a repeat returns it again and changes
/// nothing. Keys are scoped to the caller: two agents may use the same key.
/// </summary>
public class IdempotencyRecord
{
    public Guid CallerId { get; set; }

    public string Key { get; set; } = "";

    public string Method { get; set; } = "";

    public string Path { get; set; } = "";

    /// <summary>SHA-256 of the request body; the same key with another body is a client error.</summary>
    public string RequestHash { get; set; } = "";

    public int StatusCode { get; set; }

    public string? ContentType { get; set; }

    public string? ResponseBody { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// The <see cref="Database.ProcessLiveness"/> key of the process whose request holds the reservation: once that
    /// process is gone (a crash), a repeat takes the key over at once instead of waiting out the lease.
    /// </summary>
    public int? ReservedBy { get; set; }
}
