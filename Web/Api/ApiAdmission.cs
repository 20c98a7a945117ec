using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace ClawGroups.Web.Api;

/// <summary>
/// How many API requests this node works on at once; the rest wait their turn in arrival order, before their credentials
/// are read. Under a swarm every agent asks again as soon as it is answered, so without a bound the node held hundreds of
/// requests at once, each with its database context and half-built answer: they shared the cores, the one SQLite writer
/// and the GC's time with each other and with the assignment passes and long polls that refill the agents' slots, and a freed
/// slot waited seconds for its next offer. Admitted a few dozen at a time they finish sooner, the process holds less, and the
/// work that refills slots goes ahead (docs/PERFORMANCE.md, "A bounded number of API requests at once"; decision 0038). On by
/// default at 12 a core since the thread pool runs without hill climbing and the bound stopped costing CPU an item on
/// average (decision 0043); 0 turns it off.
/// </summary>
/// <remarks>
/// A long poll (an endpoint marked <see cref="LongPoll"/>, asked to wait) takes no turn: it waits by design. A request's body
/// is read in full before it asks for a turn, so a client sending slowly holds its connection, as before, and not a turn
/// that every other caller needs. A request that waits longer than <see cref="LongestWait"/> for its turn is answered 503
/// with <c>Retry-After</c>, having done nothing.
/// </remarks>
internal sealed partial class ApiAdmission
{
    /// <summary>
    /// The longest a request waits for a turn: long enough for a busy node's queue to move (the swarm's calls waited ~1 s at
    /// the median), short enough that a node that cannot keep up says so well within a client's own timeout.
    /// </summary>
    public static readonly TimeSpan DefaultLongestWait = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim? _turns;
    private readonly ILogger<ApiAdmission> _logger;

    public ApiAdmission(IOptions<ApiOptions> options, ILogger<ApiAdmission> logger)
        : this(options, logger, DefaultLongestWait)
    {
    }

    /// <summary>With another wait for a turn (tests: one that ends before the test does).</summary>
    internal ApiAdmission(IOptions<ApiOptions> options, ILogger<ApiAdmission> logger, TimeSpan longestWait)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        Limit = options.Value.MaxConcurrentRequests;
        _turns = Limit > 0 ? new SemaphoreSlim(Limit) : null;
        _logger = logger;
        LongestWait = longestWait;
    }

    /// <summary>Requests admitted at once; 0 when there is no limit.</summary>
    public int Limit { get; }

    /// <summary>How long a request waits for a turn before it is answered 503.</summary>
    public TimeSpan LongestWait { get; }

    /// <summary>Requests admitted now (tests, diagnostics).</summary>
    public int Running => _turns is null ? 0 : Limit - _turns.CurrentCount;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (_turns is null || !Counts(context))
        {
            await next(context);
            return;
        }

        bool admitted;
        try
        {
            await ReadBodyAsync(context);
            admitted = await _turns.WaitAsync(LongestWait, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up before its turn: nothing ran, and no one is listening for an answer.
            return;
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // A body without a length that outgrew the limit: the answer the endpoint's own read gives.
            await JsonBody.TooLarge(context).ExecuteAsync(context);
            return;
        }

        if (!admitted)
        {
            LogRefused(_logger, context.Request.Method, context.Request.Path, Limit, LongestWait.TotalSeconds);
            context.Response.Headers.RetryAfter = "1";
            await ApiResults.Problem(StatusCodes.Status503ServiceUnavailable, "Server busy",
                string.Create(CultureInfo.InvariantCulture, $"The request waited {LongestWait.TotalSeconds:0} s for one of this server's {Limit} turns and was not run; try again.")).ExecuteAsync(context);
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            _turns.Release();
        }
    }

    /// <summary>An API request, other than a long poll asked to wait.</summary>
    internal static bool Counts(HttpContext context)
        => context.Request.Path.StartsWithSegments(ApiHosting.Prefix)
           && !(context.GetEndpoint()?.Metadata.GetMetadata<LongPoll>() is not null
                // As the endpoint binds it (an int, invariant culture, sign and spaces allowed); one it cannot read is a 400 at once.
                && int.TryParse(context.Request.Query[LongPoll.WaitParameter].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var wait)
                && wait > 0);

    /// <summary>
    /// The longest body read into an array of its own size: what ASP.NET Core's buffering keeps in memory anyway (its
    /// default threshold). Buffering rents that much from the shared array pool for every body, however small, and under a
    /// swarm the pool ran dry, so each call allocated its 30 KB afresh (docs/PERFORMANCE.md, "An item's usage in plain
    /// columns; a save's second look for changes"): an agent's progress report is a few hundred bytes.
    /// </summary>
    internal const int BodyReadIntoItsOwnArray = 30 * 1024;

    /// <summary>
    /// Reads the request's body in full, kept for the endpoint to read again, within the body limit already set on the
    /// request (<see cref="ApiHosting.UseApiRequestLimits"/>): too large a body fails the read as it would have failed the
    /// endpoint's. A body up to <see cref="BodyReadIntoItsOwnArray"/> is read as the endpoint's readers read it
    /// (<see cref="BufferedBody"/>), so they find it read; a longer one is buffered by ASP.NET Core (in memory, on disk past
    /// its threshold): bodies wait here for a turn before their credentials are read, as many as are queued, and large
    /// ones wait on disk.
    /// </summary>
    private static async Task ReadBodyAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any(value => value?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)))
        {
            return;
        }

        if (await BufferedBody.TryReadUpToAsync(request, BodyReadIntoItsOwnArray))
        {
            return;
        }

        request.EnableBuffering();
        await request.Body.DrainAsync(context.RequestAborted);
        request.Body.Position = 0;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "API request {Method} {Path} waited for a turn longer than {Seconds} s (this node works on {Limit} at once) and was answered 503")]
    private static partial void LogRefused(ILogger logger, string method, string path, int limit, double seconds);
}
