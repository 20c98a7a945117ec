using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClawGroups.Web.Components.Groups;

/// <summary>One copy-ready block of the "Add an agent" page.</summary>
public sealed record AgentSnippet(string Key, string Title, string Language, string Code, string? Note = null);

/// <summary>The agent a person is adding: its name, the kind it started from, and its skills as they edited them.</summary>
public sealed record AgentDraft(string Name, SkillPreset Preset, JsonArray Skills);

/// <summary>
/// The commands and code the "Add an agent" page shows, built from the real join token and the server's address
/// so that what a person copies works as it is (docs/API.md, "Agents" and "Webhooks").
/// </summary>
public static class AgentSnippets
{
    public const string AgentIdVariable = "$AGENT_ID";
    public const string ApiKeyVariable = "$API_KEY";
    public const string ItemIdVariable = "$ITEM_ID";
    public const string ExampleWebhookUrl = "https://agent.example/claw-webhook";
    public const string ExampleCardUrl = "https://agent.example/.well-known/agent-card.json";

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        // A card is pasted into a shell and read by people: keep quotes and non-ASCII names as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The API root for a page's <c>NavigationManager.BaseUri</c>, e.g. <c>https://claw.example/api/v1</c>.</summary>
    public static string ApiRoot(string baseUri)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        return baseUri.TrimEnd('/') + "/api/v1";
    }

    /// <summary>Registers an A2A agent by its card URL (docs/API.md, "An A2A agent joins"): the server reads the rest from the card.</summary>
    public static string RegisterByCard(string baseUri, string joinToken, string cardUrl)
        => RegisterCommand(baseUri, joinToken, new JsonObject { ["delivery"] = "a2a", ["cardUrl"] = cardUrl }.ToJsonString(Indented));

    /// <summary>An agent card as API.md shows it, from what the person chose; <paramref name="webhookUrl"/> null makes a pull agent.</summary>
    public static string AgentCard(AgentDraft draft, string? webhookUrl = null)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var card = new JsonObject
        {
            ["name"] = string.IsNullOrWhiteSpace(draft.Name) ? draft.Preset.Key : draft.Name.Trim(),
            ["description"] = draft.Preset.Description,
            ["version"] = "1.0",
        };
        if (webhookUrl is not null)
        {
            card["url"] = webhookUrl;
        }

        card["delivery"] = webhookUrl is null ? "pull" : "webhook";
        card["capacity"] = draft.Preset.Capacity;
        card["device"] = "laptop";
        // A node has one parent: each card gets its own copy of the edited skills.
        card["skills"] = draft.Skills.DeepClone();
        return card.ToJsonString(Indented);
    }

    /// <summary><c>curl</c> that registers an agent with the join token; its answer holds agentId, apiKey and webhookSecret.</summary>
    public static string RegisterCommand(string baseUri, string joinToken, string cardJson)
    {
        ArgumentNullException.ThrowIfNull(joinToken);
        ArgumentNullException.ThrowIfNull(cardJson);
        return new StringBuilder()
            .Append("curl -sS -X POST ").Append(Quote(ApiRoot(baseUri) + "/agents")).AppendLine(" \\")
            .Append("  -H ").Append(Quote("Authorization: Bearer " + joinToken)).AppendLine(" \\")
            .Append("  -H ").Append(Quote("Content-Type: application/json")).AppendLine(" \\")
            .Append("  -d ").Append(Quote(cardJson))
            .ToString();
    }

    /// <summary>Every block of the page, in the order a person needs them.</summary>
    public static IReadOnlyList<AgentSnippet> All(string baseUri, string joinToken, int maxUses, AgentDraft draft, string? webhookUrl)
    {
        var url = string.IsNullOrWhiteSpace(webhookUrl) ? ExampleWebhookUrl : webhookUrl.Trim();
        return
        [
            new("register", "Register a pull agent", "bash", RegisterCommand(baseUri, joinToken, AgentCard(draft)),
                "The answer holds agentId, apiKey and webhookSecret. Save the apiKey now: it is shown this once."),
            new("register-webhook", "Or register a webhook agent", "bash", RegisterCommand(baseUri, joinToken, AgentCard(draft, url)),
                "Work then arrives as signed POSTs to the url; keep the webhookSecret to check them (see below). The url must be reachable from this server."),
            new("simulator", "Or try the group with simulated agents", "bash", SimulatorCommand(baseUri, joinToken, maxUses, draft.Preset),
                $"Run from a checkout of Claw Groups (it needs only the .NET SDK): {SimulatedAgents(maxUses)} of the {draft.Preset.Label.ToLowerInvariant()} kind register with this token, "
                + "take work, report progress and deliver results until Ctrl+C."),
            new("follow-up", "Then: heartbeat, pull, accept, report, finish", "bash", FollowUp(baseUri),
                "Set AGENT_ID and API_KEY from the registration answer, and ITEM_ID from the id of the item the pull returns."),
            new("verify-python", "Webhook agents: check every delivery (Python)", "python", VerifyPython,
                "Reject a bad signature or a timestamp more than 5 minutes off; deliveries come at least once, so skip a repeated X-Claw-Delivery."),
            new("verify-node", "Webhook agents: check every delivery (Node.js)", "javascript", VerifyNode),
        ];
    }

    /// <summary>The agent simulator's most agents at once (its --agents option).</summary>
    public const int MaxSimulatedAgents = 100;

    /// <summary>
    /// The agent simulator (tests/ClawGroups.AgentSimulator) started with this token: as many pull agents of the preset's kind as the
    /// token admits, so that a group can be tried before any real agent exists.
    /// </summary>
    public static string SimulatorCommand(string baseUri, string joinToken, int maxUses, SkillPreset preset)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        ArgumentNullException.ThrowIfNull(preset);
        return "dotnet run --project tests/ClawGroups.AgentSimulator -- --server " + Quote(baseUri.TrimEnd('/'))
               + " --join-token " + Quote(joinToken) + $" --agents {Math.Clamp(maxUses, 1, MaxSimulatedAgents)} --profile {preset.Key}";
    }

    private static string SimulatedAgents(int maxUses)
    {
        var count = Math.Clamp(maxUses, 1, MaxSimulatedAgents);
        return count == 1 ? "one agent" : $"{count} agents";
    }

    /// <summary>The calls an agent makes after registering, with shell variables for what only it knows.</summary>
    public static string FollowUp(string baseUri)
    {
        var api = ApiRoot(baseUri);
        const string auth = $"-H \"Authorization: Bearer {ApiKeyVariable}\"";
        const string json = "-H 'Content-Type: application/json'";
        return $$"""
            AGENT_ID='<agentId from the answer>'
            API_KEY='<apiKey from the answer>'

            # Keep the lease: every 30 s or so. Pull agents find steering messages in the answer.
            curl -sS -X POST {{auth}} {{json}} "{{api}}/agents/{{AgentIdVariable}}/heartbeat" -d '{"status":"idle"}'

            # Wait up to 30 s for work: 200 with the item (its id is the ITEM_ID), or 204 when there is none.
            curl -sS {{auth}} "{{api}}/agents/{{AgentIdVariable}}/work?waitSeconds=30"
            ITEM_ID='<id of the item the pull returned>'

            curl -sS -X POST {{auth}} "{{api}}/work-items/{{ItemIdVariable}}/accept"
            curl -sS -X POST {{auth}} {{json}} "{{api}}/work-items/{{ItemIdVariable}}/progress" -d '{"fraction":0.5,"message":"half way"}'
            curl -sS -X POST {{auth}} {{json}} "{{api}}/work-items/{{ItemIdVariable}}/result" -d '{"summary":"done","artifacts":[]}'
            """;
    }

    /// <summary>Single-quotes a word for POSIX shells; a quote inside becomes <c>'\''</c>.</summary>
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    public const string VerifyPython = """"
        import hashlib, hmac, json, os, time

        SECRET = os.environ["CLAW_WEBHOOK_SECRET"].encode()  # the whole whsec_… value from registration
        seen = set()  # delivery ids already handled; keep them somewhere durable in production

        def handle(headers, raw_body: bytes) -> int:
            """Returns the HTTP status to answer. raw_body must be the bytes as received, not re-serialised JSON."""
            timestamp = headers.get("X-Claw-Timestamp", "")
            signature = headers.get("X-Claw-Signature", "")
            if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
                return 401  # missing or stale: possibly a replay
            expected = "sha256=" + hmac.new(SECRET, timestamp.encode() + b"." + raw_body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, signature):
                return 401
            delivery = headers["X-Claw-Delivery"]
            if delivery in seen:
                return 200  # at least once: this one was handled already
            seen.add(delivery)
            event = json.loads(raw_body)
            # event["type"]: work.assigned, work.revoked, work.rejected, work.message, work.paused, work.resumed, ping
            # Answer quickly: 2xx means "received", not "done"; do the work afterwards.
            return 200
        """";

    public const string VerifyNode = """
        const crypto = require("node:crypto");
        const express = require("express");

        const secret = process.env.CLAW_WEBHOOK_SECRET; // the whole whsec_… value from registration
        const seen = new Set(); // delivery ids already handled; keep them somewhere durable in production
        const app = express();

        // express.raw keeps the body as received: the signature covers those exact bytes.
        app.post("/claw-webhook", express.raw({ type: "application/json" }), (req, res) => {
          const timestamp = req.get("X-Claw-Timestamp") ?? "";
          const signature = req.get("X-Claw-Signature") ?? "";
          if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) {
            return res.sendStatus(401); // missing or stale: possibly a replay
          }
          const expected = "sha256=" + crypto.createHmac("sha256", secret)
            .update(`${timestamp}.`).update(req.body).digest("hex");
          if (signature.length !== expected.length ||
              !crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
            return res.sendStatus(401);
          }
          const delivery = req.get("X-Claw-Delivery");
          if (seen.has(delivery)) return res.sendStatus(200); // at least once: handled already
          seen.add(delivery);
          const event = JSON.parse(req.body);
          // event.type: work.assigned, work.revoked, work.rejected, work.message, work.paused, work.resumed, ping
          res.sendStatus(200); // 2xx means "received", not "done": do the work afterwards
        });

        app.listen(8080);
        """;
}
