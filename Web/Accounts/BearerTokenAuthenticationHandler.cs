using System.Security.Claims;
using System.Text.Encodings.Web;
using ClawGroups.Coordinator.Credentials;
using ClawGroups.Data.Accounts;
using ClawGroups.Data.Database;
using ClawGroups.Web.Hosting;
using ClawGroups.Web.Live;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClawGroups.Web.Accounts;

/// <summary>
/// Authenticates <c>Authorization: Bearer …</c>: the bootstrap owner token and personal access tokens.
/// Secrets are looked up by hash and never logged. Challenges and refusals answer with problem details.
/// </summary>
internal sealed class BearerTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDbContextFactory<ClawDbContext> contextFactory,
    IOptions<ClawGroupsOptions> clawOptions,
    TimeProvider time,
    IProblemDetailsService problemDetails,
    AgentKeyCache agentKeys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ClawBearer";

    /// <summary>Last-used times are informative; writing them at most this often keeps reads reads.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = BearerToken(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        var bootstrap = clawOptions.Value.BootstrapToken;
        if (!string.IsNullOrEmpty(bootstrap) && SecretToken.FixedTimeEquals(token, bootstrap))
        {
            return Success(BootstrapOwner.Account(time.GetUtcNow()));
        }

        if (token.StartsWith(SecretToken.PersonalAccessTokenPrefix, StringComparison.Ordinal))
        {
            return await AuthenticatePersonalAccessTokenAsync(token);
        }

        if (token.StartsWith(SecretToken.AgentKeyPrefix, StringComparison.Ordinal))
        {
            return await AuthenticateAgentAsync(token);
        }

        if (token.StartsWith(SecretToken.JoinTokenPrefix, StringComparison.Ordinal))
        {
            return AuthenticateResult.Fail("A join token only registers an agent (POST /api/v1/agents); use the agent key it returned.");
        }

        return AuthenticateResult.Fail("The bearer token is not one this server issued.");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // The result of this request's authentication is cached: this does not query again.
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, "Authentication required",
            failure ?? "Send Authorization: Bearer <token> with a personal access token or an agent key.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return WriteProblemAsync(StatusCodes.Status403Forbidden, "Not allowed", "These credentials may not do this.");
    }

    /// <summary>How long a connection authenticated by a token (a hub connection) lives before it is checked again.</summary>
    internal static readonly TimeSpan LongLivedRecheck = TimeSpan.FromMinutes(5);

    internal static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        if (header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && header.Length > prefix.Length)
        {
            return header[prefix.Length..].Trim();
        }

        // Browsers cannot set headers on WebSockets or server-sent events, so SignalR clients send the token
        // in the query string; only the hub accepts it there, keeping tokens out of other URLs and their logs.
        return request.Path.StartsWithSegments(GroupsHub.Path) && request.Query["access_token"].ToString() is { Length: > 0 } token
            ? token
            : null;
    }

    private async Task<AuthenticateResult> AuthenticatePersonalAccessTokenAsync(string token)
    {
        var hash = SecretToken.Hash(token);
        await using var context = await contextFactory.CreateDbContextAsync(Context.RequestAborted);
        var stored = await context.PersonalAccessTokens.AsNoTracking().Include(t => t.User)
            .SingleOrDefaultAsync(t => t.TokenHash == hash, Context.RequestAborted);
        var now = time.GetUtcNow();
        if (stored?.User is null)
        {
            return AuthenticateResult.Fail("The personal access token is not known.");
        }

        if (stored.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("The personal access token was revoked.");
        }

        if (stored.ExpiresAt <= now)
        {
            return AuthenticateResult.Fail("The personal access token has expired.");
        }

        if (stored.LastUsedAt is null || now - stored.LastUsedAt > LastUsedResolution)
        {
            await context.PersonalAccessTokens.Where(t => t.Id == stored.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
        }

        return Success(stored.User);
    }

    /// <summary>
    /// Compiled once: every agent request makes it, and EF otherwise builds, walks and hashes the query's expression tree on
    /// each (docs/PERFORMANCE.md, "Where an agent call's time goes").
    /// </summary>
    private static readonly ModelCompiledQuery<Func<ClawDbContext, string, CancellationToken, Task<AgentKeyHolder?>>> AgentByKeyHash = new(() => EF.CompileAsyncQuery(
        (ClawDbContext context, string hash, CancellationToken _) => context.Agents.AsNoTracking()
            .Where(a => a.ApiKeyHash == hash)
            .Select(a => new AgentKeyHolder(a.Id, a.GroupId, a.Name, a.RevokedAt))
            .SingleOrDefault()));

    private async Task<AuthenticateResult> AuthenticateAgentAsync(string token)
    {
        var hash = SecretToken.Hash(token);
        var agent = agentKeys.Find(hash) ?? await ReadAgentKeyAsync(hash);
        if (agent is null)
        {
            return AuthenticateResult.Fail("The agent key is not known (it may have been rotated).");
        }

        if (agent.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("The agent was revoked by a human of its group.");
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, agent.Id.ToString()), new Claim(ClaimTypes.Name, agent.Name), new Claim("name", agent.Name),
             new Claim(ClawClaims.MemberKind, ClawClaims.Agent), new Claim(ClawClaims.AgentGroup, agent.GroupId.ToString())],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>The key's agent from the database, kept for the agent's next calls (<see cref="AgentKeyCache"/>).</summary>
    private async Task<AgentKeyHolder?> ReadAgentKeyAsync(string hash)
    {
        var stamp = agentKeys.Stamp;
        await using var context = await contextFactory.CreateDbContextAsync(Context.RequestAborted);
        var agent = await AgentByKeyHash.For(context)(context, hash, Context.RequestAborted);
        if (agent is not null)
        {
            agentKeys.Keep(hash, agent, stamp);
        }

        return agent;
    }

    private AuthenticateResult Success(ClawUser user)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()), new Claim(ClaimTypes.Name, user.UserName ?? user.DisplayName),
             .. ClawUserClaimsPrincipalFactory.ClaimsFor(user)],
            SchemeName);
        // A token is checked on every request, but a hub connection lives for hours: it closes when this expires
        // and its reconnect is checked afresh, so a revoked token stops receiving within minutes.
        var properties = new AuthenticationProperties { ExpiresUtc = time.GetUtcNow() + LongLivedRecheck };
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, SchemeName));
    }

    private async Task WriteProblemAsync(int status, string title, string detail)
    {
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
