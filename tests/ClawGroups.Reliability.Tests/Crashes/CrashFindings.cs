using System.Globalization;
using ClawGroups.AgentSimulator.Agents;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Reliability.Tests.Crashes;

/// <summary>
/// What must hold after a run in which the server was killed and restarted, read from the database and from what the
/// agents saw: nothing lost, nothing done twice, no two attempts at once, no key or lease left behind, every webhook
/// delivered, and no live agent judged silent. Each violation is one line that names the item, the agent or the key.
/// </summary>
internal static class CrashFindings
{
    public static async Task<List<string>> CollectAsync(
        ClawDbContext db, Guid groupId, IReadOnlyCollection<Guid> created, IReadOnlyList<SimulatedAgent> agents)
    {
        var findings = new List<string>();
        var names = await db.Agents.Where(a => a.GroupId == groupId).ToDictionaryAsync(a => a.Id, a => a.Name);
        string Name(Guid? agentId) => agentId is { } id && names.TryGetValue(id, out var name) ? name : $"{agentId}";

        var items = await db.WorkItems.AsNoTracking().Include(w => w.Assignments)
            .Where(w => w.GroupId == groupId).ToListAsync();
        var trail = await db.TrailEvents.AsNoTracking().Where(e => e.GroupId == groupId).ToListAsync();

        // Nothing lost, nothing made up.
        foreach (var id in created.Where(id => items.All(w => w.Id != id)))
            findings.Add($"item {id} was created (201) but is not in the database");
        foreach (var extra in items.Where(w => !created.Contains(w.Id)))
            findings.Add($"item \"{extra.Title}\" ({extra.Id}) is in the database but was never created by the test");

        foreach (var item in items.OrderBy(w => w.CreatedAt))
        {
            var what = $"item \"{item.Title}\" ({item.Id})";
            if (item.State != WorkItemState.Done)
                findings.Add($"{what} is {item.State}, not done (assignee {Name(item.AssigneeAgentId)}, {item.Attempts} attempts)");
            if (item.CurrentAssignmentId is not null)
                findings.Add($"{what} still points at attempt {item.CurrentAssignmentId} after the run");

            var attempts = item.Assignments.Where(a => a.Role == AssignmentRole.Work).OrderBy(a => a.OfferedAt).ToList();
            foreach (var open in attempts.Where(a => a.EndedAt is null))
                findings.Add($"{what}: attempt {open.Attempt} by {Name(open.AgentId)} is still open (outcome {open.Outcome}, last progress {open.LastProgressAt:O})");
            for (var i = 1; i < attempts.Count; i++)
            {
                if (attempts[i - 1].EndedAt is not { } ended || ended > attempts[i].OfferedAt)
                {
                    findings.Add($"{what} was held twice at once: attempt {attempts[i - 1].Attempt} by {Name(attempts[i - 1].AgentId)} " +
                                 $"(ended {attempts[i - 1].EndedAt:O}) and attempt {attempts[i].Attempt} by {Name(attempts[i].AgentId)} (offered {attempts[i].OfferedAt:O})");
                }
            }

            var completed = attempts.Count(a => a.Outcome == AssignmentOutcome.Completed);
            if (completed != 1)
                findings.Add($"{what} was completed by {completed} attempts, not exactly one");
            // Every agent stayed alive and diligent: an attempt that ended any other way was taken from a live agent.
            foreach (var lost in attempts.Where(a => a.EndedAt is not null && a.Outcome != AssignmentOutcome.Completed))
                findings.Add($"{what}: attempt {lost.Attempt} by {Name(lost.AgentId)} ended {lost.Outcome}{(lost.StallReason is { } reason ? $" ({reason})" : "")} although its agent kept working");
            foreach (var late in attempts.Where(a => a.LateResultJson is not null))
                findings.Add($"{what}: attempt {late.Attempt} by {Name(late.AgentId)} has a late result kept for the humans");

            var events = trail.Where(e => e.WorkItemId == item.Id).ToList();
            var results = events.Count(e => e.Type == "work.result");
            if (results != 1)
                findings.Add($"{what} has {results} work.result events in its trail, not exactly one");
            // Stalls show as the attempts' outcomes above.
            foreach (var odd in events.Where(e => e.Type is "work.lateResult" or "work.failed"))
                findings.Add($"{what}: trail has {odd.Type} at {odd.At:O}: {odd.DataJson}");
        }

        foreach (var silent in trail.Where(e => e.Type == "agent.stalled"))
            findings.Add($"live agent {Name(silent.AgentId)} was judged silent at {silent.At:O}: {silent.DataJson}");
        foreach (var agent in await db.Agents.AsNoTracking().Where(a => a.GroupId == groupId).ToListAsync())
        {
            if (agent.Status is not (AgentStatus.Online or AgentStatus.Busy))
                findings.Add($"agent {agent.Name} ends the run {agent.Status}");
        }

        // No key left reserved: a request whose process died must not hold its Idempotency-Key for ever.
        var callers = names.Keys.ToList();
        foreach (var key in await db.IdempotencyRecords.AsNoTracking().Where(r => r.StatusCode == 0).ToListAsync())
        {
            findings.Add($"Idempotency-Key {key.Key} of {(callers.Contains(key.CallerId) ? "agent " + Name(key.CallerId) : "caller " + key.CallerId)} " +
                         $"for {key.Method} {key.Path} is still reserved (reserved {key.CreatedAt:O}, never answered)");
        }

        await CheckWebhooksAsync(db, groupId, agents, findings);
        CheckAgents(agents, created, findings);
        return findings;
    }

    /// <summary>Every message to a webhook agent reached it (its receiver took the delivery id in) and nothing else did.</summary>
    private static async Task CheckWebhooksAsync(ClawDbContext db, Guid groupId, IReadOnlyList<SimulatedAgent> agents, List<string> findings)
    {
        var webhookAgents = agents.Where(a => a.Webhook is not null).ToDictionary(a => Guid.Parse(a.AgentId));
        var messages = await db.OutboxMessages.AsNoTracking().Where(m => m.GroupId == groupId).ToListAsync();
        foreach (var message in messages.Where(m => webhookAgents.ContainsKey(m.AgentId)).OrderBy(m => m.CreatedAt))
        {
            var agent = webhookAgents[message.AgentId];
            var what = $"{message.Type} {message.Id} to {agent.Name} (item {message.WorkItemId}, {message.Attempts} attempts)";
            if (message.GaveUpAt is not null)
                findings.Add($"webhook {what} was given up at {message.GaveUpAt:O}: {message.LastError}");
            else if (message.DeliveredAt is null)
                findings.Add($"webhook {what} is not delivered (due {message.DueAt:O}, locked until {message.LockedUntil:O}, last error {message.LastError})");
            if (agent.Webhook!.Received.All(d => d.Id != message.Id.ToString()))
                findings.Add($"webhook {what} never reached the agent's endpoint{(message.DeliveredAt is null ? "" : " although marked delivered")}");
        }

        var known = messages.Select(m => m.Id.ToString()).ToHashSet(StringComparer.Ordinal);
        foreach (var agent in webhookAgents.Values)
        {
            foreach (var delivery in agent.Webhook!.Received.Where(d => !known.Contains(d.Id)))
                findings.Add($"{agent.Name} received webhook {delivery.Type} {delivery.Id} that is not in the outbox");
            foreach (var rejected in agent.Webhook.Rejected)
                findings.Add($"{agent.Name} refused webhook {rejected.DeliveryId}: {rejected.Reason} (a secret or clock that did not survive the restart?)");
        }
    }

    /// <summary>What the agents saw: each result taken once, and no call that failed for good (a 409 on a result among them).</summary>
    private static void CheckAgents(IReadOnlyList<SimulatedAgent> agents, IReadOnlyCollection<Guid> created, List<string> findings)
    {
        var completions = agents.SelectMany(a => a.Observed.Completed.Select(id => (Agent: a.Name, Item: id))).ToList();
        foreach (var id in created.Select(id => id.ToString()))
        {
            var by = completions.Where(c => c.Item == id).Select(c => c.Agent).ToList();
            if (by.Count != 1)
                findings.Add($"item {id}: the server took a result from {by.Count} agents ({string.Join(", ", by)}), not exactly one");
        }

        foreach (var agent in agents)
        {
            foreach (var error in agent.Observed.Errors.Where(e => !IsOutage(e)))
                findings.Add($"{agent.Name}: {error.Action} {error.WorkItemId} failed for good: {Describe(error.Exception)}");
        }
    }

    /// <summary>A pull that found the server down: the pull loop tries again, so it is the outage, not a failure.</summary>
    private static bool IsOutage(AgentError error) =>
        error.Action == "pull" && error.Exception is HttpRequestException or TaskCanceledException;

    private static string Describe(Exception exception) => exception switch
    {
        ClawApiException api => $"{api.Method} {api.Path} answered {(int)api.StatusCode} {api.Problem?.Title}: {api.Problem?.Detail ?? api.Body}",
        HttpRequestException http => $"{http.GetType().Name} {http.HttpRequestError}: {http.Message}",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    public static string Summary(IReadOnlyList<SimulatedAgent> agents) => string.Join("; ", agents.Select(a => string.Create(CultureInfo.InvariantCulture,
        $"{a.Name}: {a.Observed.Accepted.Count} accepted, {a.Observed.Completed.Count} completed, {a.Observed.Errors.Count} errors{(a.Webhook is { } w ? $", {w.Received.Count} webhooks" : "")}")));
}
