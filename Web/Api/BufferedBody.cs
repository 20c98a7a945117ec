using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace ClawGroups.Web.Api;

/// <summary>
/// An API request's body read once, into an array of its own size, for everything on the way that reads it: the
/// <c>Idempotency-Key</c> hash, the JSON reading and a retry after a lost race (<see cref="ConcurrencyRetryFilter"/>). The request's <c>Body</c> becomes a stream over that array, so a handler that
/// reads the stream itself reads it as sent, and any of them can start again at position 0. <see cref="ApiAdmission"/> reads
/// bodies of up to 30 KB here before they wait for a turn (<see cref="TryReadUpToAsync"/>); a longer one it buffered (to
/// disk past 30 KB) is read from that buffer.
/// </summary>
/// <remarks>
/// Before, each of them asked ASP.NET Core to buffer the body (<c>EnableBuffering</c>), which rents 30 KB from the shared
/// array pool for every request, with a body or not, and holds it until the request ends: a long poll held it for its whole
/// wait. Under a swarm the pool ran dry and each request allocated its 30 KB afresh, ~5 % of all the server allocated
/// (docs/PERFORMANCE.md, "Fewer bytes an agent call; the MoE's experts side by side"). Bodies are capped
/// (<see cref="ApiOptions.MaxRequestBodyBytes"/>, 1 MiB by default; a longer one fails with 413 as before, and is refused before
/// an array is made for it), so holding one in memory, for a request that runs, is bounded.
/// </remarks>
internal static class BufferedBody
{
    /// <summary>
    /// The body's bytes, read now if no one has; empty for a request without a body. Leaves <c>Body</c> at position 0.
    /// Throws <see cref="BadHttpRequestException"/> (413) when the body is longer than the request's limit.
    /// </summary>
    public static async ValueTask<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.HttpContext.Features.Get<Read>() is { } read)
        {
            request.Body.Position = 0;
            return read.Bytes;
        }

        if (!HasBody(request))
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        return Keep(request, await ReadAllAsync(request));
    }

    /// <summary>
    /// Reads the body as <see cref="ReadAsync"/> does when it is no longer than <paramref name="limit"/>, and returns true;
    /// else returns false having read at most <paramref name="limit"/> + 1 bytes of a body of no stated length, which
    /// <c>Body</c> then yields again before the rest (<see cref="PrefixedStream"/>). A body of a stated length is read only
    /// when that length is within the limit.
    /// </summary>
    public static async ValueTask<bool> TryReadUpToAsync(HttpRequest request, int limit)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is { } length)
        {
            if (length > limit)
            {
                return false;
            }

            await ReadAsync(request);
            return true;
        }

        var head = await ReadAtMostAsync(request, limit);
        if (head.Length <= limit)
        {
            Keep(request, head);
            return true;
        }

        request.Body = new PrefixedStream(head, request.Body);
        return false;
    }

    /// <summary>The body's bytes, kept for every reader after: <c>Body</c> a stream over them, and the request's features.</summary>
    private static byte[] Keep(HttpRequest request, byte[] bytes)
    {
        request.Body = new MemoryStream(bytes, writable: false);
        request.HttpContext.Features.Set(new Read(bytes));
        return bytes;
    }

    /// <summary>
    /// A request that may carry a body: a length above 0, or no length and a server that says a body may follow (chunks on
    /// HTTP/1.1; on HTTP/2 a stream not ended with its headers). Where no server says (a test's context), the body is read.
    /// </summary>
    public static bool HasBody(HttpRequest request)
        => request.ContentLength > 0
           || (request.ContentLength is null && (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true));

    private static async Task<byte[]> ReadAllAsync(HttpRequest request)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        if (request.ContentLength is { } length)
        {
            // A declared length over the limit is refused before an array of that length is made (Kestrel's own check comes
            // with the first read).
            var limit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
            if (length > (limit ?? Array.MaxLength) || length > Array.MaxLength)
            {
                throw new BadHttpRequestException($"The body is longer than the {limit ?? Array.MaxLength} bytes allowed.", StatusCodes.Status413PayloadTooLarge);
            }

            var exact = new byte[length];
            await request.Body.ReadExactlyAsync(exact, cancellationToken);
            return exact;
        }

        // No length given: it is known at the end; the server's read fails with 413 once the limit is passed.
        return await ReadAtMostAsync(request, Array.MaxLength);
    }

    /// <summary>
    /// A body of no stated length, to its end or until it is longer than <paramref name="most"/> bytes (then the first
    /// <paramref name="most"/> + 1). Read in pieces into a buffer grown as needed: most bodies are a few hundred bytes. The
    /// piece goes back to the shared pool at once, which does not run dry as it did when each waiting request held 30 KB of
    /// it (ASP.NET Core's buffering).
    /// </summary>
    private static async Task<byte[]> ReadAtMostAsync(HttpRequest request, long most)
    {
        using var read = new MemoryStream();
        var piece = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            int count;
            while (read.Length <= most
                   && (count = await request.Body.ReadAsync(piece.AsMemory(0, (int)Math.Min(piece.Length, most + 1 - read.Length)), request.HttpContext.RequestAborted)) > 0)
            {
                read.Write(piece, 0, count);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(piece);
        }

        return read.ToArray();
    }

    /// <summary>The bytes, kept on the request's features for the next reader.</summary>
    private sealed record Read(byte[] Bytes);
}
