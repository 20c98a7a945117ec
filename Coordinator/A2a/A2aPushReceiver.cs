using ClawGroups.Coordinator.Credentials;
using ClawGroups.Coordinator.Jobs;
using ClawGroups.Data.Database;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.A2a;

/// <summary>
/// Takes an A2A agent's push notification for one attempt's task. Only a push that carries the token the server gave with
/// the task counts (compared by hash, in fixed time); its body is not trusted for the update itself: the push brings the
/// task's poll forward, and the task is read back from the agent, so a push and a poll are one path and count once.
/// </summary>
public sealed class A2aPushReceiver(ClawDbContext context, IBackgroundJobClient jobs)
{
    /// <summary>True when the push is authentic and the task's sync is on its way; false for an unknown attempt or a bad token.</summary>
    public async Task<bool> ReceiveAsync(Guid assignmentId, string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || !token.StartsWith(A2aDispatch.PushTokenPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var expected = await context.Assignments.AsNoTracking()
            .Where(a => a.Id == assignmentId && a.EndedAt == null && a.A2aPushTokenHash != null)
            .Select(a => a.A2aPushTokenHash).SingleOrDefaultAsync(cancellationToken);
        if (expected is null || !SecretToken.FixedTimeEquals(expected, SecretToken.Hash(token)))
        {
            return false;
        }

        jobs.Enqueue<A2aTaskJob>(j => j.SyncAsync(assignmentId, CancellationToken.None));
        return true;
    }
}
