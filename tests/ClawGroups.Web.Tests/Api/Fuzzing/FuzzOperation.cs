using System.Text.Json.Nodes;

namespace ClawGroups.Web.Tests.Api.Fuzzing;

/// <summary>The item a request is about, chosen by what the endpoint needs to get past its state checks.</summary>
internal enum ItemTarget
{
    None,

    /// <summary>In progress, held by the fuzzing agent: what its reports are about.</summary>
    Held,

    /// <summary>Ready, held by nobody: what an edit or a reassignment needs.</summary>
    Ready,

    /// <summary>Waiting for a person's review.</summary>
    InReview,

    /// <summary>Taken over by the human.</summary>
    HumanHeld,

    Any,
}

/// <summary>
/// One endpoint of docs/API.md: its method and path (<c>{group}</c>, <c>{item}</c>, <c>{agent}</c> filled in per
/// request), who calls it, a valid body to fuzz from, the item it needs, and a query parameter to fuzz.
/// </summary>
internal sealed record FuzzOperation(
    string Name, HttpMethod Method, string Path, Credential Credential, BodyTemplate? Template = null, ItemTarget Target = ItemTarget.None,
    string? QueryName = null, IReadOnlyList<string>? QueryValues = null)
{
    public bool Writes => Method != HttpMethod.Get;

    /// <summary>Every endpoint agents and humans call, with valid bodies; the ids they name are filled in per request (<see cref="FuzzWorld.Fill"/>).</summary>
    public static IReadOnlyList<FuzzOperation> All()
    {
        var usage = new JsonObject { ["inputTokens"] = 1500, ["outputTokens"] = 400, ["costUsd"] = 0.0125m };
        return
        [
            // Humans: groups.
            new("create group", HttpMethod.Post, "/api/v1/groups", Credential.Human,
                Body(new JsonObject { ["name"] = "Fuzzed group", ["description"] = "Made by the fuzz test", ["requireReview"] = true })),
            new("list groups", HttpMethod.Get, "/api/v1/groups", Credential.Human),
            new("get group", HttpMethod.Get, "/api/v1/groups/{group}", Credential.Human),
            new("edit group", HttpMethod.Patch, "/api/v1/groups/{group}", Credential.Human, Body(new JsonObject
            {
                ["name"] = "Fuzz group", ["description"] = "Where the fuzz test works", ["requireReview"] = true, ["maxAttempts"] = 3,
                ["heartbeatTimeoutSeconds"] = 90, ["progressTimeoutSeconds"] = 900, ["startGraceSeconds"] = 60, ["overrunFactor"] = 4,
                ["requirePlanApproval"] = false, ["maxPlanItems"] = 20,
                ["preferPeopleFor"] = new JsonArray("design"), ["preferAgentsFor"] = new JsonArray("testing"),
            })),
            new("create join token", HttpMethod.Post, "/api/v1/groups/{group}/join-tokens", Credential.Human,
                Body(new JsonObject { ["expiresInMinutes"] = 60, ["maxUses"] = 10 })),
            new("usage", HttpMethod.Get, "/api/v1/groups/{group}/usage", Credential.Human),
            new("list items", HttpMethod.Get, "/api/v1/groups/{group}/work-items", Credential.Human, QueryName: "state", QueryValues: FuzzValues.States),

            // Humans: work items.
            new("create item", HttpMethod.Post, "/api/v1/groups/{group}/work-items", Credential.Human, Body(new JsonObject
            {
                ["title"] = "Export invoices as CSV", ["description"] = "An endpoint that streams the month's invoices.",
                ["requiredSkills"] = new JsonArray("api"), ["priority"] = 0, ["dependsOn"] = new JsonArray("{anyItem}"), ["parentId"] = null,
                ["kind"] = "task",
            })),
            new("get item", HttpMethod.Get, "/api/v1/work-items/{item}", Credential.Human, Target: ItemTarget.Any),
            new("item events", HttpMethod.Get, "/api/v1/work-items/{item}/events", Credential.Human, Target: ItemTarget.Any),
            new("edit item", HttpMethod.Patch, "/api/v1/work-items/{item}", Credential.Human, Body(new JsonObject
            {
                ["title"] = "Export invoices as CSV, edited", ["description"] = "Now with credit notes.", ["requiredSkills"] = new JsonArray("api", "csv"), ["priority"] = 5,
            }), ItemTarget.Ready),
            new("reassign", HttpMethod.Post, "/api/v1/work-items/{item}/reassign", Credential.Human,
                Body(new JsonObject { ["memberId"] = "{otherAgent}" }), ItemTarget.Ready),
            new("message", HttpMethod.Post, "/api/v1/work-items/{item}/messages", Credential.Human,
                Body(new JsonObject { ["text"] = "Please include credit notes." }), ItemTarget.Held),
            new("pause", HttpMethod.Post, "/api/v1/work-items/{item}/pause", Credential.Human, Target: ItemTarget.Held),
            new("resume", HttpMethod.Post, "/api/v1/work-items/{item}/resume", Credential.Human, Target: ItemTarget.Held),
            new("take over", HttpMethod.Post, "/api/v1/work-items/{item}/takeover", Credential.Human, Target: ItemTarget.Held),
            new("hand back", HttpMethod.Post, "/api/v1/work-items/{item}/handback", Credential.Human,
                Body(new JsonObject { ["note"] = "Over to the agents again." }), ItemTarget.HumanHeld),
            new("complete", HttpMethod.Post, "/api/v1/work-items/{item}/complete", Credential.Human,
                Body(new JsonObject { ["summary"] = "Finished by hand." }), ItemTarget.HumanHeld),
            new("review", HttpMethod.Post, "/api/v1/work-items/{item}/review", Credential.Human,
                Body(new JsonObject { ["approve"] = false, ["feedback"] = "Add the totals row." }), ItemTarget.InReview),
            new("cancel", HttpMethod.Post, "/api/v1/work-items/{item}/cancel", Credential.Human, Target: ItemTarget.Ready),
            new("retry", HttpMethod.Post, "/api/v1/work-items/{item}/retry", Credential.Human, Target: ItemTarget.Any),
            new("goal shape", HttpMethod.Get, "/api/v1/work-items/{item}/plan", Credential.Human, Target: ItemTarget.Any),
            new("approve plan", HttpMethod.Post, "/api/v1/work-items/{item}/plan/approve", Credential.Human, Body(new JsonObject
            {
                ["items"] = new JsonArray(new JsonObject { ["key"] = "a", ["title"] = "First step" },
                    new JsonObject { ["key"] = "b", ["title"] = "Second step", ["dependsOn"] = new JsonArray("a") }),
            }), ItemTarget.Any),
            new("reject plan", HttpMethod.Post, "/api/v1/work-items/{item}/plan/reject", Credential.Human,
                Body(new JsonObject { ["feedback"] = "Start with the budget." }), ItemTarget.Any),
            new("decide about a sub-item", HttpMethod.Post, "/api/v1/work-items/{item}/decision", Credential.Human,
                Body(new JsonObject { ["choice"] = "retry", ["feedback"] = "One more go." }), ItemTarget.Any),
            new("accept late result", HttpMethod.Post, "/api/v1/work-items/{item}/late-results/{assignment}/accept", Credential.Human, Target: ItemTarget.Any),

            // Agents.
            new("register", HttpMethod.Post, "/api/v1/agents", Credential.JoinToken, Body(new JsonObject
            {
                ["name"] = "fuzzed-agent", ["description"] = "An agent card from the fuzz test", ["version"] = "1.0", ["delivery"] = "pull",
                ["capacity"] = 2, ["model"] = "fuzz-1", ["device"] = "test",
                ["skills"] = new JsonArray(new JsonObject
                {
                    ["id"] = "api", ["name"] = "HTTP APIs", ["description"] = "REST endpoints", ["tags"] = new JsonArray("backend"),
                    ["examples"] = new JsonArray("Add an endpoint"), ["level"] = 0.9,
                }),
            })),
            new("heartbeat", HttpMethod.Post, "/api/v1/agents/{agent}/heartbeat", Credential.Agent,
                Body(new JsonObject { ["status"] = "busy", ["note"] = "working" })),
            new("pull", HttpMethod.Get, "/api/v1/agents/{agent}/work", Credential.Agent, QueryName: "waitSeconds", QueryValues: FuzzValues.WaitSeconds),
            new("accept", HttpMethod.Post, "/api/v1/work-items/{item}/accept", Credential.Agent, Target: ItemTarget.Held),
            new("progress", HttpMethod.Post, "/api/v1/work-items/{item}/progress", Credential.Agent, Body(new JsonObject
            {
                ["fraction"] = 0.4, ["message"] = "Half the endpoints done", ["usage"] = usage.DeepClone(),
            }), ItemTarget.Held),
            new("result", HttpMethod.Post, "/api/v1/work-items/{item}/result", Credential.Agent, Body(new JsonObject
            {
                ["summary"] = "Endpoint added with tests.",
                ["artifacts"] = new JsonArray(new JsonObject { ["name"] = "result.md", ["mediaType"] = "text/markdown", ["content"] = "# Done\n" }),
                ["usage"] = new JsonObject { ["inputTokens"] = 3000, ["outputTokens"] = 800, ["costUsd"] = 0.025m },
            }), ItemTarget.Held),
            new("plan", HttpMethod.Post, "/api/v1/work-items/{item}/plan", Credential.Agent, Body(new JsonObject
            {
                ["items"] = new JsonArray(
                    new JsonObject { ["key"] = "a", ["title"] = "Find out", ["description"] = "What is known", ["requiredSkills"] = new JsonArray("backend") },
                    new JsonObject { ["key"] = "b", ["title"] = "Do it", ["dependsOn"] = new JsonArray("a") }),
            }), ItemTarget.Held),
            new("decline", HttpMethod.Post, "/api/v1/work-items/{item}/decline", Credential.Agent,
                Body(new JsonObject { ["reason"] = "Not my area." }), ItemTarget.Held),
        ];
    }

    private static BodyTemplate Body(JsonObject valid) => new(valid);
}
