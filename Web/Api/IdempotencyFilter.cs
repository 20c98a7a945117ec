using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Data.Database;
using ClawGroups.Data.Idempotency;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClawGroups.Web.Api;

/// <summary>
/// <c>Idempotency-Key</c> on POSTs (and PATCHes: an edit applied twice would write its trail event twice): the first request with a key runs and its answer is stored; a repeat with the
/// same key and body gets that answer again and changes nothing; the same key with another body is refused. A 429 is not
/// stored: it changed nothing and asks for the same request later.
/// Keys belong to the caller, so two agents may use the same one. A reservation whose process died (a crash between
/// reserving and answering) does not answer "in progress" forever: the repeat takes it over and runs, at once when the
/// database can tell that process is gone (<see cref="ProcessLiveness"/>), else once the reservation is older than the
/// API's request timeout, which no request outlives.
/// On a database one process has alone (the embedded SQLite default) the running request's claim is held in memory
/// (<see cref="IdempotencyClaims"/>) and the key's row is written once, with the answer: one write where a reservation took
/// two, each a turn at SQLite's one writer; and answers finished together are written together (<see cref="IdempotencyAnswers"/>).
/// There, once the stored keys are loaded, a key that no answer was ever stored for (<see cref="AnsweredKeys"/>, nearly every
/// key) is not read either.
/// </summary>
internal sealed class IdempotencyFilter(
    IDbContextFactory<ClawDbContext> contextFactory, ProcessLiveness liveness, IdempotencyClaims claims, IdempotencyAnswers answers,
    AnsweredKeys answeredKeys, IOptionsMonitor<ApiOptions> options, TimeProvider time)
    : IEndpointFilter
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    /// <summary>A stored answer whose request is still running; a concurrent repeat is told to wait.</summary>
    private const int InProgress = 0;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[HeaderName].ToString();
        if (!(HttpMethods.IsPost(http.Request.Method) || HttpMethods.IsPatch(http.Request.Method)) || key.Length == 0)
        {
            return await next(context);
        }

        if (key.Length > MaxKeyLength)
        {
            return ApiResults.Problem(StatusCodes.Status400BadRequest, "Idempotency-Key too long", $"An Idempotency-Key is at most {MaxKeyLength} characters.");
        }

        var (requestHash, tooLarge) = await HashBodyAsync(http);
        if (tooLarge)
        {
            return JsonBody.TooLarge(http);
        }

        var request = new IdempotencyRecord
        {
            CallerId = CallerId(http), Key = key, Method = http.Request.Method, Path = http.Request.Path.Value ?? "", RequestHash = requestHash,
            StatusCode = InProgress, CreatedAt = time.GetUtcNow(), ReservedBy = liveness.Key,
        };
        var inMemory = liveness.AloneOnTheDatabase;
        // Claimed before the stored answers are read: a repeat that claims the key after this request let it go finds its answer.
        if (inMemory && !claims.TryClaim(request, out var running))
        {
            return Replay(running, request.Path, requestHash, http);
        }

        try
        {
            return await RunOnceAsync(context, next, request, inMemory);
        }
        finally
        {
            if (inMemory)
            {
                claims.Release(request);
            }
        }
    }

    /// <summary>Replays the key's stored answer, or runs the request and stores its answer as the key's.</summary>
    private async Task<object?> RunOnceAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, IdempotencyRecord request, bool inMemory)
    {
        var http = context.HttpContext;
        var (callerId, key, path, requestHash) = (request.CallerId, request.Key, request.Path, request.RequestHash);
        // In the database, the key is reserved by inserting its row. In memory, its row is read (no write) when one may exist; a
        // key never answered is not looked up, and the request takes no context here.
        var looksUp = !inMemory || answeredKeys.MayHave(callerId, key);
        await using var db = looksUp ? await contextFactory.CreateDbContextAsync(http.RequestAborted) : null;
        var existing = db is null ? null
            : inMemory ? await StoredAsync(db, callerId, key, http.RequestAborted) : await ReserveAsync(db, request, http.RequestAborted);
        // The context that holds the key's reservation row, where there is one: the answer is then written into it.
        var reservation = inMemory ? null : db;
        if (db is not null && existing is not null && existing.StatusCode == InProgress && existing.Path == path && existing.RequestHash == requestHash
            && await ReservationIsDeadAsync(db, existing, http.RequestAborted)
            && await TakeOverAsync(db, existing, http.RequestAborted))
        {
            (existing, reservation) = (null, db);
        }

        if (existing is not null)
        {
            return Replay(existing, path, requestHash, http);
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            // The request may have committed before it failed, so running it again under the same key could apply it
            // twice. As payment APIs do, the failure becomes the key's answer; a new attempt takes a new key.
            var failure = ClawJson.Serialize(new
            {
                type = "https://httpwg.org/specs/rfc9110.html#status.500",
                title = "Outcome unknown",
                status = StatusCodes.Status500InternalServerError,
                detail = "The request with this Idempotency-Key failed and may or may not have taken effect. Read the resource to see, and use a new key to try again.",
            });
            await StoreAnswerAsync(reservation, answers, request, StatusCodes.Status500InternalServerError, failure, "application/problem+json");
            throw;
        }

        var (status, body, contentType) = Capture(result, http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions);
        if (status == StatusCodes.Status429TooManyRequests)
        {
            // "Try again later" did nothing and must not become the key's answer, or the retry it asks for would get it
            // again forever: the key is released, as payment APIs release a rate-limited request's key.
            if (reservation is not null)
            {
                await reservation.IdempotencyRecords.Where(r => r.CallerId == callerId && r.Key == key).ExecuteDeleteAsync(CancellationToken.None);
            }

            return result;
        }

        var answer = AsWritten(result, status, body, contentType);
        if (http.GetEndpoint()?.Metadata.GetMetadata<CredentialsInResponse>() is not null)
        {
            (body, contentType) = (null, null);
        }

        await StoreAnswerAsync(reservation, answers, request, status, body, contentType);
        return answer;
    }

    /// <summary>
    /// A plain 200 with a value is answered with the text just made of it for the key, as a repeat of the key is: the
    /// same bytes, written once where the result would have been serialised again for the response (a work item's view on
    /// every accept, progress report and result, ~1 % of the swarm server's CPU samples). Any other result (one that sets
    /// headers, such as a 201's <c>Location</c>, or a problem) goes out as it is.
    /// </summary>
    private static object? AsWritten(object? result, int status, string? body, string? contentType)
    {
        var inner = result;
        while (inner is INestedHttpResult nested)
        {
            inner = nested.Result;
        }

        return body is not null && contentType is not null && status == StatusCodes.Status200OK && inner is IValueHttpResult
               && inner.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Ok<>)
            ? Results.Text(body, contentType, Encoding.UTF8, status)
            : result;
    }

    /// <summary>
    /// The answer becomes the key's: written into its reservation through <paramref name="reservation"/>'s context, or as a
    /// new row where none was reserved.
    /// </summary>
    private static async Task StoreAnswerAsync(
        ClawDbContext? reservation, IdempotencyAnswers answers, IdempotencyRecord request, int status, string? body, string? contentType)
    {
        if (reservation is not null)
        {
            await reservation.IdempotencyRecords.Where(r => r.CallerId == request.CallerId && r.Key == request.Key)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.StatusCode, status).SetProperty(r => r.ResponseBody, body).SetProperty(r => r.ContentType, contentType),
                    CancellationToken.None);
            return;
        }

        var answer = new IdempotencyRecord
        {
            CallerId = request.CallerId, Key = request.Key, Method = request.Method, Path = request.Path, RequestHash = request.RequestHash,
            StatusCode = status, ResponseBody = body, ContentType = contentType, CreatedAt = request.CreatedAt, ReservedBy = request.ReservedBy,
        };
        // Nothing else writes this key while the claim is held; a row left by a process before a restart that was not taken
        // over (another body, another path) keeps its answer.
        await answers.StoreAsync(answer);
    }

    private static Task<IdempotencyRecord?> StoredAsync(ClawDbContext db, Guid callerId, string key, CancellationToken cancellationToken)
        => StoredRecord.For(db)(db, callerId, key, cancellationToken);

    /// <summary>Compiled once: every keyed call reads its key's record (docs/PERFORMANCE.md, "Where an agent call's time goes").</summary>
    private static readonly ModelCompiledQuery<Func<ClawDbContext, Guid, string, CancellationToken, Task<IdempotencyRecord?>>> StoredRecord = new(() =>
        EF.CompileAsyncQuery((ClawDbContext db, Guid callerId, string key, CancellationToken _) =>
            db.IdempotencyRecords.AsNoTracking().SingleOrDefault(r => r.CallerId == callerId && r.Key == key)));

    /// <summary>
    /// Reserves the key for <paramref name="request"/>, insert first (a new key, the common case, costs one statement); returns
    /// the record that holds it already, or null when the reservation is ours.
    /// </summary>
    private static async Task<IdempotencyRecord?> ReserveAsync(ClawDbContext db, IdempotencyRecord request, CancellationToken cancellationToken)
    {
        // A holder can vanish between the insert and the read (a 429 releases its key): then the key is free to claim again.
        while (!await db.InsertUnlessPresentAsync(request, cancellationToken))
        {
            if (await StoredAsync(db, request.CallerId, request.Key, cancellationToken) is { } holder)
            {
                return holder;
            }
        }

        return null;
    }

    /// <summary>How long a reservation may stand unanswered: the request timeout, and a little for the clock.</summary>
    public static TimeSpan ReservationLease(ApiOptions api) => TimeSpan.FromSeconds(api.RequestTimeoutSeconds + 5);

    private async Task<bool> ReservationIsDeadAsync(ClawDbContext db, IdempotencyRecord reservation, CancellationToken cancellationToken)
        => reservation.CreatedAt < time.GetUtcNow() - ReservationLease(options.CurrentValue)
           || (reservation.ReservedBy is { } owner && !await liveness.IsAliveAsync(db, owner, cancellationToken));

    /// <summary>Takes over a dead request's reservation; false when another repeat took it first.</summary>
    private async Task<bool> TakeOverAsync(ClawDbContext db, IdempotencyRecord dead, CancellationToken cancellationToken)
        => await db.IdempotencyRecords
            .Where(r => r.CallerId == dead.CallerId && r.Key == dead.Key && r.StatusCode == InProgress && r.CreatedAt == dead.CreatedAt)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.CreatedAt, time.GetUtcNow()).SetProperty(r => r.ReservedBy, liveness.Key),
                cancellationToken) == 1;

    private static object Replay(IdempotencyRecord record, string path, string requestHash, HttpContext http)
    {
        if (record.Path != path || record.RequestHash != requestHash)
        {
            return ApiResults.Problem(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused",
                "This Idempotency-Key was already used for a different request; use a new key for a new request.");
        }

        if (record.StatusCode == InProgress)
        {
            return ApiResults.Problem(StatusCodes.Status409Conflict, "Request in progress",
                "A request with this Idempotency-Key is still running; repeat it once that one has answered.");
        }

        if (record.ResponseBody is null && http.GetEndpoint()?.Metadata.GetMetadata<CredentialsInResponse>() is not null
            && record.StatusCode is >= 200 and < 300)
        {
            return ApiResults.Problem(StatusCodes.Status409Conflict, "Already done",
                "This request was already carried out; the credentials it returned are shown only once and are not stored.");
        }

        http.Response.Headers["Idempotent-Replayed"] = "true";
        return record.ResponseBody is null
            ? Results.StatusCode(record.StatusCode)
            : Results.Text(record.ResponseBody, record.ContentType, Encoding.UTF8, record.StatusCode);
    }

    /// <summary>
    /// The answer as it went out, to be replayed to the letter: written with the options the answer was written with
    /// (ClawJson's settings on the host's options, whose encoder leaves "→" in a reason as it is, where ClawJson's own
    /// would write "\u2192").
    /// </summary>
    private static (int Status, string? Body, string? ContentType) Capture(object? result, JsonSerializerOptions json)
    {
        while (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }

        var status = (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        return result switch
        {
            ProblemHttpResult problem => (status, JsonSerializer.Serialize<object>(problem.ProblemDetails, json), "application/problem+json"),
            IValueHttpResult { Value: { } value } => (status, JsonSerializer.Serialize(value, json), "application/json"),
            _ => (status, null, null),
        };
    }

    private static async Task<(string Hash, bool TooLarge)> HashBodyAsync(HttpContext http)
    {
        try
        {
            // Read once for the handler too (BufferedBody), not copied again to be hashed.
            var body = await BufferedBody.ReadAsync(http.Request);
            return (Convert.ToHexStringLower(SHA256.HashData(body.Span)), false);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ("", true);
        }
    }

    /// <summary>The authenticated caller; for registration (no account yet) the join token stands for the caller.</summary>
    private static Guid CallerId(HttpContext http)
    {
        if (http.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } id && Guid.TryParse(id, out var callerId))
        {
            return callerId;
        }

        var token = http.Request.Headers.Authorization.ToString();
        return new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(token)).AsSpan(0, 16));
    }
}
