using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace ClawGroups.AgentSimulator.Api;

/// <summary>
/// The calls of docs/API.md, typed, over one <see cref="HttpClient"/> whose <c>BaseAddress</c> is the server.
/// A client carries one bearer token (a human's, a join token or an agent key); <see cref="WithToken"/> gives a
/// client with another over the same connection pool. Every non-2xx answer throws <see cref="ClawApiException"/>.
/// </summary>
public sealed class ClawApiClient
{
    private readonly HttpClient _http;
    private readonly Uri _baseAddress;

    public ClawApiClient(HttpClient httpClient, string? bearerToken = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        var baseAddress = httpClient.BaseAddress
            ?? throw new ArgumentException("The HttpClient needs a BaseAddress: the server's URL.", nameof(httpClient));
        _http = httpClient;
        // A trailing slash keeps a path prefix (http://host/claw/) when relative paths are resolved against it.
        _baseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        BearerToken = bearerToken;
    }

    public string? BearerToken { get; }

    public ClawApiClient WithToken(string? bearerToken) => new(_http, bearerToken);

    // ---- Groups and humans ----

    public Task<Group> CreateGroupAsync(CreateGroup group, CancellationToken cancellationToken = default) =>
        ReadAsync<Group>(HttpMethod.Post, "api/v1/groups", group, null, cancellationToken);

    public Task<Group> GetGroupAsync(string groupId, CancellationToken cancellationToken = default) =>
        ReadAsync<Group>(HttpMethod.Get, $"api/v1/groups/{Esc(groupId)}", null, null, cancellationToken);

    public Task<JoinToken> CreateJoinTokenAsync(string groupId, CreateJoinToken? request = null, CancellationToken cancellationToken = default) =>
        ReadAsync<JoinToken>(HttpMethod.Post, $"api/v1/groups/{Esc(groupId)}/join-tokens", request ?? new CreateJoinToken(), null, cancellationToken);

    // ---- Work items (human credentials) ----

    public Task<WorkItem> CreateWorkItemAsync(string groupId, CreateWorkItem workItem, CancellationToken cancellationToken = default) =>
        ReadAsync<WorkItem>(HttpMethod.Post, $"api/v1/groups/{Esc(groupId)}/work-items", workItem, null, cancellationToken);

    public Task<IReadOnlyList<WorkItem>> ListWorkItemsAsync(string groupId, string? state = null, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<WorkItem>>(
            HttpMethod.Get,
            $"api/v1/groups/{Esc(groupId)}/work-items" + (state is null ? "" : "?state=" + Esc(state)),
            null, null, cancellationToken);

    public Task<WorkItem> GetWorkItemAsync(string workItemId, CancellationToken cancellationToken = default) =>
        ReadAsync<WorkItem>(HttpMethod.Get, $"api/v1/work-items/{Esc(workItemId)}", null, null, cancellationToken);

    public Task<IReadOnlyList<WorkItemEvent>> GetEventsAsync(string workItemId, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<WorkItemEvent>>(HttpMethod.Get, $"api/v1/work-items/{Esc(workItemId)}/events", null, null, cancellationToken);

    public Task<ClawApiResponse> TakeoverAsync(string workItemId, CancellationToken cancellationToken = default) =>
        ItemActionAsync(workItemId, "takeover", null, null, cancellationToken);

    public Task<ClawApiResponse> HandbackAsync(string workItemId, string? note = null, CancellationToken cancellationToken = default) =>
        ItemActionAsync(workItemId, "handback", new Handback(note), null, cancellationToken);

    public Task<ClawApiResponse> ReassignAsync(string workItemId, string memberId, CancellationToken cancellationToken = default) =>
        ItemActionAsync(workItemId, "reassign", new Reassign(memberId), null, cancellationToken);

    public Task<ClawApiResponse> ReviewAsync(string workItemId, bool approve, string? feedback = null, CancellationToken cancellationToken = default) =>
        ItemActionAsync(workItemId, "review", new Review(approve, feedback), null, cancellationToken);

    public Task<ClawApiResponse> CancelAsync(string workItemId, CancellationToken cancellationToken = default) =>
        ItemActionAsync(workItemId, "cancel", null, null, cancellationToken);

    public Task<ClawApiResponse> PostMessageAsync(string workItemId, string text, CancellationToken cancellationToken = default) =>
        ItemActionAsync(workItemId, "messages", new WorkMessage(text), null, cancellationToken);

    public Task<ClawApiResponse> PauseAsync(string workItemId, CancellationToken cancellationToken = default) =>
        ItemActionAsync(workItemId, "pause", null, null, cancellationToken);

    public Task<ClawApiResponse> ResumeAsync(string workItemId, CancellationToken cancellationToken = default) =>
        ItemActionAsync(workItemId, "resume", null, null, cancellationToken);

    public Task<ClawApiResponse> CompleteAsync(string workItemId, string summary, CancellationToken cancellationToken = default) =>
        ItemActionAsync(workItemId, "complete", new Complete(summary), null, cancellationToken);

    // ---- Agents ----

    /// <summary><c>POST /api/v1/agents</c> with the join token as bearer (this client's own token is not used).</summary>
    public Task<AgentRegistration> RegisterAgentAsync(string joinToken, AgentCard card, CancellationToken cancellationToken = default) =>
        WithToken(joinToken).ReadAsync<AgentRegistration>(HttpMethod.Post, "api/v1/agents", card, null, cancellationToken);

    public Task<ClawApiResponse> HeartbeatAsync(string agentId, Heartbeat heartbeat, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/v1/agents/{Esc(agentId)}/heartbeat", heartbeat, idempotencyKey, cancellationToken);

    /// <summary><c>POST /api/v1/agents/{id}/signoff</c>: no offers until the next heartbeat; unaccepted offers move on.</summary>
    public Task<ClawApiResponse> SignOffAsync(string agentId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/v1/agents/{Esc(agentId)}/signoff", null, null, cancellationToken);

    /// <summary>The next item offered to the agent, or null when the server answered 204 at the end of the wait.</summary>
    public async Task<WorkItem?> PullWorkAsync(string agentId, int waitSeconds = 0, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(
            HttpMethod.Get,
            $"api/v1/agents/{Esc(agentId)}/work?waitSeconds={waitSeconds.ToString(CultureInfo.InvariantCulture)}",
            null, null, cancellationToken);
        return response.StatusCode == HttpStatusCode.NoContent || !response.HasBody ? null : response.As<WorkItem>();
    }

    public Task<ClawApiResponse> AcceptAsync(string workItemId, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        ItemActionAsync(workItemId, "accept", null, idempotencyKey, cancellationToken);

    public Task<ClawApiResponse> ReportProgressAsync(string workItemId, ProgressReport progress, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        ItemActionAsync(workItemId, "progress", progress, idempotencyKey, cancellationToken);

    public Task<ClawApiResponse> SubmitResultAsync(string workItemId, WorkResult result, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        ItemActionAsync(workItemId, "result", result, idempotencyKey, cancellationToken);

    /// <summary>The member holding a goal answers it with a plan.</summary>
    public Task<ClawApiResponse> SubmitPlanAsync(string workItemId, Plan plan, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        ItemActionAsync(workItemId, "plan", plan, idempotencyKey, cancellationToken);

    /// <summary>A person approves the plan awaiting approval, or the edited plan given.</summary>
    public Task<PlanOutcome> ApprovePlanAsync(string workItemId, Plan? edited = null, CancellationToken cancellationToken = default) =>
        ReadAsync<PlanOutcome>(HttpMethod.Post, $"api/v1/work-items/{Esc(workItemId)}/plan/approve", edited, null, cancellationToken);

    public Task<PlanOutcome> RejectPlanAsync(string workItemId, string? feedback, CancellationToken cancellationToken = default) =>
        ReadAsync<PlanOutcome>(HttpMethod.Post, $"api/v1/work-items/{Esc(workItemId)}/plan/reject", new { feedback }, null, cancellationToken);

    public Task<ClawApiResponse> DeclineAsync(string workItemId, string reason, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        ItemActionAsync(workItemId, "decline", new Decline(reason), idempotencyKey, cancellationToken);

    // ---- Any call ----

    /// <summary>
    /// Sends one request with this client's bearer token; a JSON body when <paramref name="body"/> is not null.
    /// Returns the 2xx answer; throws <see cref="ClawApiException"/> on anything else.
    /// </summary>
    public async Task<ClawApiResponse> SendAsync(
        HttpMethod method, string relativePath, object? body = null, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(relativePath);
        var uri = new Uri(_baseAddress, relativePath.TrimStart('/'));
        using var request = new HttpRequestMessage(method, uri);
        if (BearerToken is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BearerToken);
        if (idempotencyKey is not null)
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
        if (body is not null)
            request.Content = JsonContent.Create(body, body.GetType(), options: ClawJson.Options);
        else if (method == HttpMethod.Post)
            request.Content = JsonContent.Create(new { }, options: ClawJson.Options);

        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ClawApiException(
                method.Method, "/" + relativePath.TrimStart('/'), response.StatusCode, text, ClawProblem.TryParse(text), RetryAfter(response));
        }
        return new ClawApiResponse(response.StatusCode, response.Headers, text);
    }

    private async Task<T> ReadAsync<T>(HttpMethod method, string relativePath, object? body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var response = await SendAsync(method, relativePath, body, idempotencyKey, cancellationToken);
        return response.As<T>()
            ?? throw new ClawApiException(method.Method, "/" + relativePath, response.StatusCode, response.Body, null, null);
    }

    private Task<ClawApiResponse> ItemActionAsync(string workItemId, string action, object? body, string? idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"api/v1/work-items/{Esc(workItemId)}/{action}", body, idempotencyKey, cancellationToken);

    private static string Esc(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };
}
