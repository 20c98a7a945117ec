using ClawGroups.Coordinator.Calls;
using ClawGroups.Web.Accounts;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Components.Workspace;

/// <summary>
/// How workspace components call the coordinator's services: as the signed-in human, in a fresh DI scope per
/// action. A circuit lives for hours; a DbContext held that long would serve stale rows and clash with itself
/// when two events arrive at once, so each action gets its own, exactly as an API request does.
/// </summary>
public sealed class WorkspaceSession(AuthenticationStateProvider authentication, IServiceScopeFactory scopes)
{
    /// <summary>The signed-in human, or null for an anonymous visitor.</summary>
    public async Task<Caller?> CallerAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return state.User.Identity?.IsAuthenticated == true ? state.User.ToCaller() : null;
    }

    /// <summary>Runs one action of <typeparamref name="TService"/> as the signed-in human; a lost race is retried, then reported.</summary>
    public async Task<Outcome<T>> RunAsync<TService, T>(
        Func<TService, Caller, CancellationToken, Task<Outcome<T>>> action, CancellationToken cancellationToken = default)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(action);
        if (await CallerAsync() is not { } caller)
        {
            return new Failure(FailureKind.Unauthorized, "Signed out", "Your session has ended. Sign in again to continue.");
        }

        for (var attempt = 1; ; attempt++)
        {
            // A fresh scope per try: the retry decides on fresh data, as the API's retry filter does.
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                return await action(scope.ServiceProvider.GetRequiredService<TService>(), caller, cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < ConcurrentChange.Attempts)
            {
                // Lost a race; the next try starts over in a new scope.
            }
            catch (DbUpdateConcurrencyException)
            {
                return ConcurrentChange.Failure;
            }
        }
    }
}
