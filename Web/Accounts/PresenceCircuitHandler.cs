using System.Collections.Concurrent;
using ClawGroups.Coordinator.Accounts;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace ClawGroups.Web.Accounts;

/// <summary>How many workspace pages each person has open on this node: they go offline only when the last closes.</summary>
public sealed class OpenCircuits
{
    private readonly ConcurrentDictionary<Guid, int> _byUser = new();

    public void Opened(Guid userId) => _byUser.AddOrUpdate(userId, 1, (_, count) => count + 1);

    /// <summary>Returns how many stay open.</summary>
    public int Closed(Guid userId)
    {
        var left = _byUser.AddOrUpdate(userId, 0, (_, count) => Math.Max(0, count - 1));
        if (left == 0)
        {
            _byUser.TryRemove(new KeyValuePair<Guid, int>(userId, 0));
        }

        return left;
    }
}

/// <summary>
/// Keeps a person's presence while a workspace page is connected: seen when it connects and every
/// <see cref="PresenceService.RefreshEvery"/>, gone when their last page on this node disconnects. A node that dies
/// with pages open leaves them online only until <see cref="PresenceService.OnlineWindow"/> passes.
/// </summary>
internal sealed partial class PresenceCircuitHandler(
    AuthenticationStateProvider authentication, IServiceScopeFactory scopes, OpenCircuits open, ILogger<PresenceCircuitHandler> logger)
    : CircuitHandler, IDisposable
{
    private Guid? _userId;
    private Timer? _refresh;

    // Connection rather than circuit events: a circuit outlives its connection by minutes (so that a page can
    // resume), but a person whose page lost its connection is not there.
    public override async Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        if (_refresh is not null || user.Identity?.IsAuthenticated != true || user.ToCaller() is not { IsHuman: true } caller)
        {
            return;
        }

        _userId = caller.Id;
        open.Opened(caller.Id);
        await RunAsync((presence, ct) => presence.SeenAsync(caller.Id, ct), cancellationToken);
        _refresh = new Timer(_ => _ = RunAsync((presence, ct) => presence.SeenAsync(caller.Id, ct), CancellationToken.None),
            null, PresenceService.RefreshEvery, PresenceService.RefreshEvery);
    }

    public override async Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (_refresh is null || _userId is not { } userId)
        {
            return;
        }

        await _refresh.DisposeAsync();
        _refresh = null;
        if (open.Closed(userId) == 0)
        {
            await RunAsync((presence, ct) => presence.GoneAsync(userId, ct), cancellationToken);
        }
    }

    public void Dispose() => _refresh?.Dispose();

    private async Task RunAsync(Func<PresenceService, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await action(scope.ServiceProvider.GetRequiredService<PresenceService>(), cancellationToken);
        }
#pragma warning disable CA1031 // Presence is a courtesy: a database blip must not break the person's page.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogPresenceFailed(logger, exception, _userId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the presence of {UserId}")]
    private static partial void LogPresenceFailed(ILogger logger, Exception exception, Guid? userId);
}
