using System.Globalization;
using System.Net;
using System.Text;
using ClawGroups.AgentSimulator.Api;
using ClawGroups.AgentSimulator.Webhooks;
using Microsoft.Extensions.Logging;

namespace ClawGroups.AgentSimulator.Agents;

// The work: taking an offered item, doing it, and reacting to what the humans and the coordinator do meanwhile.
public sealed partial class SimulatedAgent
{
    private async Task HandleDeliveryAsync(WebhookDelivery delivery, CancellationToken stopping)
    {
        var workItemId = delivery.DataString("workItemId") ?? "";
        switch (delivery.Type)
        {
            case WebhookEventTypes.WorkAssigned:
                WorkItem? item;
                try
                {
                    item = System.Text.Json.JsonSerializer.Deserialize<WorkItem>(delivery.Data, ClawJson.Options);
                }
                catch (System.Text.Json.JsonException e)
                {
                    Fail("", "work.assigned " + delivery.Id, e);
                    return;
                }
                if (item?.Id is null)
                {
                    _logger.LogWarning("Agent {Agent}: work.assigned {DeliveryId} carried no work item", Name, delivery.Id);
                    return;
                }
                await OfferAsync(item, stopping);
                break;

            case WebhookEventTypes.WorkRevoked:
                var reason = delivery.DataString("reason");
                Observed.Revoke(new Revocation(workItemId, reason));
                _logger.LogInformation("Agent {Agent}: {WorkItemId} revoked ({Reason})", Name, workItemId, reason);
                if (_runs.TryGetValue(workItemId, out var revoked))
                    await revoked.Revoked.CancelAsync();
                break;

            case WebhookEventTypes.WorkMessage:
                var text = delivery.DataString("text") ?? "";
                Observed.Message(new ReceivedMessage(workItemId, text, FromOf(delivery)));
                _logger.LogInformation("Agent {Agent}: message on {WorkItemId}: {Text}", Name, workItemId, text);
                if (_runs.TryGetValue(workItemId, out var steered) && !_silent)
                    await ReportProgressAsync(steered, steered.Fraction, $"Noted: {text}", stopOnLostLease: false);
                break;

            case WebhookEventTypes.WorkPaused:
                Observed.Pause(workItemId);
                if (_runs.TryGetValue(workItemId, out var paused))
                    paused.Pause();
                _logger.LogInformation("Agent {Agent}: {WorkItemId} paused", Name, workItemId);
                break;

            case WebhookEventTypes.WorkResumed:
                Observed.Resume(workItemId);
                if (_runs.TryGetValue(workItemId, out var resumed))
                    resumed.Resume();
                _logger.LogInformation("Agent {Agent}: {WorkItemId} resumed", Name, workItemId);
                break;

            case WebhookEventTypes.WorkRejected:
                var feedback = delivery.DataString("feedback");
                Observed.Reject(new Rejection(workItemId, feedback));
                _logger.LogInformation("Agent {Agent}: result for {WorkItemId} rejected: {Feedback}", Name, workItemId, feedback);
                break;

            default:
                // ping, and types added later: received is all the contract asks.
                _logger.LogDebug("Agent {Agent}: {EventType} {DeliveryId}", Name, delivery.Type, delivery.Id);
                break;
        }
    }

    /// <summary>
    /// Takes an offered item: declines it (failing agents) or accepts it and starts working. Accepting happens
    /// before the next delivery or poll, so an item offered twice is worked on once.
    /// </summary>
    private async Task OfferAsync(WorkItem item, CancellationToken stopping)
    {
        Observed.Offer(item.Id);
        _logger.LogInformation("Agent {Agent}: offered {WorkItemId} \"{Title}\"", Name, item.Id, item.Title);
        if (_silent || _runs.ContainsKey(item.Id))
            return;

        if (_options.Behaviour is { Kind: AgentBehaviourKind.Failing, FailingMode: FailingMode.Decline })
        {
            try
            {
                await CallAsync((key, ct) => Api.DeclineAsync(item.Id, _options.Behaviour.DeclineReason, key, ct), stopping);
                Observed.Decline(item.Id);
                _logger.LogInformation("Agent {Agent}: declined {WorkItemId}", Name, item.Id);
            }
            catch (Exception e) when (IsCallFailure(e, stopping))
            {
                Fail(item.Id, "decline", e);
            }
            return;
        }

        try
        {
            await CallAsync((key, ct) => Api.AcceptAsync(item.Id, key, ct), stopping);
        }
        catch (Exception e) when (IsCallFailure(e, stopping))
        {
            Fail(item.Id, "accept", e);
            return;
        }
        Observed.Accept(item.Id);
        _logger.LogInformation("Agent {Agent}: accepted {WorkItemId}", Name, item.Id);

        if (_options.Behaviour.Kind == AgentBehaviourKind.Silent)
        {
            await _speaking.WaitAsync(CancellationToken.None);
            _silent = true;
            _speaking.Release();
            _logger.LogInformation("Agent {Agent} goes silent: no more heartbeats or reports", Name);
            _signal.Pulse();
            return;
        }

        if (_options.Behaviour.Kind == AgentBehaviourKind.Planner && item.Kind == WorkItemKinds.Goal)
        {
            await PlanAsync(item, stopping);
            return;
        }

        var run = new WorkRun(item, stopping);
        if (!_runs.TryAdd(item.Id, run))
        {
            run.Dispose();
            return;
        }
        run.Task = Task.Run(() => WorkAsync(run), CancellationToken.None);
        _signal.Pulse();
    }

    /// <summary>Answers a goal with the behaviour's plan; the goal then waits for its sub-items, holding nothing of this agent.</summary>
    private async Task PlanAsync(WorkItem goal, CancellationToken stopping)
    {
        try
        {
            var plan = _options.Behaviour.PlanFor(goal);
            await CallAsync((key, ct) => Api.SubmitPlanAsync(goal.Id, plan, key, ct), stopping);
            Observed.Plan(goal.Id);
            _logger.LogInformation("Agent {Agent}: planned {WorkItemId} in {Count} sub-items", Name, goal.Id, plan.Items.Count);
        }
        catch (Exception e) when (IsCallFailure(e, stopping))
        {
            Fail(goal.Id, "plan", e);
        }
    }

    private async Task WorkAsync(WorkRun run)
    {
        var id = run.Item.Id;
        var steps = Math.Max(0, _options.Timings.ProgressReports);
        var interval = _options.Behaviour.Kind == AgentBehaviourKind.Slow
            ? _options.Behaviour.SlowProgressInterval ?? _options.Timings.SlowProgressInterval
            : _options.Timings.ProgressInterval;
        try
        {
            for (var step = 1; step <= steps; step++)
            {
                await run.WorkForAsync(interval, _options.TimeProvider);
                run.Usage = new Usage(run.Usage.InputTokens + 1500, run.Usage.OutputTokens + 400, run.Usage.CostUsd + 0.0125m);
                // A silent agent stops speaking on every run it holds, not only on the one it went silent with.
                if (_silent || !await ReportProgressAsync(run, (double)step / (steps + 1), $"Step {step} of {steps} done", stopOnLostLease: true))
                    return;
            }
            await run.WorkForAsync(interval, _options.TimeProvider);
            if (!_silent)
                await SubmitResultAsync(run);
        }
        catch (OperationCanceledException) when (run.Revoked.IsCancellationRequested)
        {
            if (!_stopping.IsCancellationRequested)
                _logger.LogInformation("Agent {Agent}: stopped working on {WorkItemId}", Name, id);
        }
        finally
        {
            _runs.TryRemove(id, out _);
            run.Dispose();
            _signal.Pulse();
        }
    }

    /// <summary>
    /// Reports progress; false when the lease is gone (the server refused with 403, 404 or 409), and then, with
    /// <paramref name="stopOnLostLease"/>, the run stops: how a pull agent learns of a revocation.
    /// </summary>
    private async Task<bool> ReportProgressAsync(WorkRun run, double fraction, string message, bool stopOnLostLease)
    {
        var id = run.Item.Id;
        try
        {
            var report = new ProgressReport(fraction, message, run.Usage);
            await CallAsync((key, ct) => Api.ReportProgressAsync(id, report, key, ct), run.Revoked.Token);
            run.Fraction = fraction;
            Observed.ReportProgress(new ReportedProgress(id, fraction, message));
            _logger.LogInformation("Agent {Agent}: {WorkItemId} at {Fraction:P0}: {Message}", Name, id, fraction, message);
            return true;
        }
        catch (ClawApiException e) when (IsLeaseGone(e))
        {
            Fail(id, "progress", e);
            if (stopOnLostLease)
                await run.Revoked.CancelAsync();
            return false;
        }
        catch (Exception e) when (IsCallFailure(e, run.Revoked.Token))
        {
            // A report lost in transit is not fatal: the next one carries the cumulative state.
            Fail(id, "progress", e);
            return true;
        }
    }

    private async Task SubmitResultAsync(WorkRun run)
    {
        var id = run.Item.Id;
        var result = new WorkResult(
            $"{Name} finished \"{run.Item.Title}\".",
            [new Artifact($"{Slug(run.Item.Title ?? id)}.md", "text/markdown", Markdown(run))],
            run.Usage);
        try
        {
            await CallAsync((key, ct) => Api.SubmitResultAsync(id, result, key, ct), run.Revoked.Token);
            Observed.Complete(id);
            _logger.LogInformation("Agent {Agent}: result posted for {WorkItemId}", Name, id);
        }
        catch (ClawApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // The lease was revoked before the result came; the server keeps it for the humans.
            Observed.LateResult(id);
            Fail(id, "result", e);
        }
        catch (Exception e) when (IsCallFailure(e, run.Revoked.Token))
        {
            Fail(id, "result", e);
        }
    }

    private string Markdown(WorkRun run)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# {run.Item.Title ?? run.Item.Id}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Done by **{Name}** ({_options.Profile.Model ?? "unknown model"}, simulated).\n\n");
        if (!string.IsNullOrWhiteSpace(run.Item.Description))
            text.Append(CultureInfo.InvariantCulture, $"## Task\n\n{run.Item.Description}\n\n");
        text.Append("## What was done\n\n");
        foreach (var step in Observed.Progress.Where(p => p.WorkItemId == run.Item.Id))
            text.Append(CultureInfo.InvariantCulture, $"- {step.Message}\n");
        var messages = Observed.Messages.Where(m => m.WorkItemId == run.Item.Id).ToList();
        if (messages.Count > 0)
        {
            text.Append("\n## Guidance taken into account\n\n");
            foreach (var message in messages)
                text.Append(CultureInfo.InvariantCulture, $"- {message.Text}\n");
        }
        text.Append(CultureInfo.InvariantCulture,
            $"\nUsage: {run.Usage.InputTokens} input tokens, {run.Usage.OutputTokens} output tokens, ${run.Usage.CostUsd:0.0000}.\n");
        return text.ToString();
    }

    private static bool IsLeaseGone(ClawApiException e) =>
        e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound or HttpStatusCode.Forbidden;

    private static string? FromOf(WebhookDelivery delivery)
    {
        if (delivery.Data.ValueKind != System.Text.Json.JsonValueKind.Object || !delivery.Data.TryGetProperty("from", out var from))
            return null;
        // "from" may be a name or an actor { kind, id, name }.
        return from.ValueKind switch
        {
            System.Text.Json.JsonValueKind.String => from.GetString(),
            System.Text.Json.JsonValueKind.Object when from.TryGetProperty("name", out var name) => name.ToString(),
            System.Text.Json.JsonValueKind.Object when from.TryGetProperty("id", out var fromId) => fromId.ToString(),
            _ => from.GetRawText(),
        };
    }

    private static string Slug(string title)
    {
        var slug = new string(title.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        return slug.Length switch { 0 => "result", > 60 => slug[..60], _ => slug };
    }
}
