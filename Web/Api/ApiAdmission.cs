using System.Globalization;
using Microsoft.Extensions.Options;

namespace ClawGroups.Web.Api;

/// <summary>
/// How many API requests this node works on at once; the rest wait their turn in arrival order, before their credentials
/// are read. Under a swarm every agent asks again as soon as it is answered, so without a bound the node held hundreds of
/// requests at once, each with its database context and half-built answer: they shared the cores, the one SQLite writer
/// and the GC's time with each other and with the assignment passes and long polls that refill the agents' slots, and a freed
/// slot waited seconds for its next offer. Admitted a few dozen at a time they finish sooner, the process holds less, and the
/// work that refills slots goes ahead (docs/PERFORMANCE.md, "A bounded number of API requests at once"; decision 0038).
/// A long poll (<c>waitSeconds</c> above 0) is not counted: it waits by design and must not hold a turn while it does. A request
/// that waits longer than the request timeout for its turn is answered 503 with <c>Retry-After</c>, having done nothing.
/// </summary>
internal sealed class ApiAdmission : IDisposable
{
    /// <summary>Requests at once per core when <see cref="ApiOptions.MaxConcurrentRequests"/> is not set.</summary>
    public const int PerCore = 12;

    private readonly SemaphoreSlim? _turns;

    public ApiAdmission(IOptions<ApiOptions> options)
        : this(options, longestWait: null)
    {
    }

    /// <summary>With a wait for a turn other than the request timeout (tests: one that ends before the test does).</summary>
    internal ApiAdmission(IOptions<ApiOptions> options, TimeSpan? longestWait)
    {
        ArgumentNullException.ThrowIfNull(options);
        Limit = options.Value.MaxConcurrentRequests ?? PerCore * Environment.ProcessorCount;
        _turns = Limit > 0 ? new SemaphoreSlim(Limit) : null;
        LongestWait = longestWait ?? TimeSpan.FromSeconds(options.Value.RequestTimeoutSeconds);
    }

    /// <summary>Requests admitted at once; 0 when there is no limit.</summary>
    public int Limit { get; }

    /// <summary>How long a request waits for a turn before it is answered 503: the request timeout.</summary>
    public TimeSpan LongestWait { get; }

    /// <summary>Requests admitted now (tests, diagnostics).</summary>
    public int Running => _turns is null ? 0 : Limit - _turns.CurrentCount;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (_turns is null || !Counts(context.Request))
        {
            await next(context);
            return;
        }

        bool admitted;
        try
        {
            admitted = await _turns.WaitAsync(LongestWait, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up while it waited: nothing ran, and no one is listening for an answer.
            return;
        }

        if (!admitted)
        {
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

    /// <summary>An API request other than a long poll.</summary>
    internal static bool Counts(HttpRequest request)
        => request.Path.StartsWithSegments(ApiHosting.Prefix)
           && !(int.TryParse(request.Query["waitSeconds"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var wait) && wait > 0);

    public void Dispose() => _turns?.Dispose();
}
