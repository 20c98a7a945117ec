using System.Text.Json;
using ClawGroups.Coordinator.Calls;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClawGroups.Web.Api;

/// <summary>
/// Reads a JSON request body with answers a client can act on: 400 naming where the JSON is broken, 413 when it
/// is too large, 415 when it is not JSON. (Minimal API binding would answer an empty 400.)
/// </summary>
internal static class JsonBody
{
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, bool allowEmpty = false)
    {
        // A body without a length comes in chunks on HTTP/1.1, and with no header at all on HTTP/2 (a client streaming its
        // JSON): the server says whether one may follow (BufferedBody.HasBody).
        if (!BufferedBody.HasBody(request))
        {
            return allowEmpty
                ? (JsonSerializer.Deserialize<T>("{}", ClawJson.Options), null)
                : (default, ApiResults.Problem(StatusCodes.Status400BadRequest, "Body required", "This request needs a JSON body."));
        }

        if (!request.HasJsonContentType())
        {
            return (default, ApiResults.Problem(StatusCodes.Status415UnsupportedMediaType, "JSON required",
                "Send the body as application/json."));
        }

        try
        {
            // Whole (the body is capped, 1 MiB by default) so that text a database refuses is found before any of it is used.
            var json = await BufferedBody.ReadAsync(request);
            if (StorableText.FindUnstorable(json.Span) is { } field)
            {
                return (default, ApiResults.Problem(Failure.Invalid(field,
                    $"{field} contains a NUL character (\\u0000) or an unpaired surrogate, which cannot be stored; remove it.")));
            }

            var value = JsonSerializer.Deserialize<T>(json.Span, ClawJson.Options);
            return value is null
                ? (default, ApiResults.Problem(StatusCodes.Status400BadRequest, "Malformed JSON", "The body is JSON null; an object is expected."))
                : (value, null);
        }
        catch (JsonException exception)
        {
            var where = exception.Path is { Length: > 0 } path ? $" at {path}" : "";
            return (default, ApiResults.Problem(StatusCodes.Status400BadRequest, "Malformed JSON",
                $"The body is not valid JSON for this request{where} (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine}): {FirstSentence(exception.Message)}"));
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (default, TooLarge(request.HttpContext));
        }
    }

    public static ProblemHttpResult TooLarge(HttpContext context)
        => ApiResults.Problem(StatusCodes.Status413PayloadTooLarge, "Request too large",
            $"The body is larger than the {context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0} bytes this endpoint accepts.");

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..(end + 1)] : message;
    }
}
