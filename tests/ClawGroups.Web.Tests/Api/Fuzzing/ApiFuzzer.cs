using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Tests.Api.Fuzzing;

/// <summary>
/// Sends fuzzed requests and checks each answer: a 2xx, or a 4xx with an <c>application/problem+json</c> body, never a
/// 5xx; a refusal changes nothing in the database; what was accepted can be read back (the group, its items, its usage,
/// the item itself); an Idempotency-Key repeated gets the first answer and changes nothing.
/// </summary>
internal sealed class ApiFuzzer(FuzzWorld world, Random random, FuzzFindings findings)
{
    private readonly IReadOnlyList<FuzzOperation> _operations = FuzzOperation.All();
    private bool _groupBroken;

    public int Sent { get; private set; }

    /// <summary>How many fuzzed requests got each status.</summary>
    public SortedDictionary<int, int> Answers { get; } = [];

    /// <summary>Accepted writes whose change the snapshots saw: proof that they would see a refusal's too.</summary>
    public int AcceptedChanges { get; private set; }

    /// <summary>
    /// Every endpoint, every field of its body in turn with the edge values of its kind (numbers from the edges of int, long,
    /// decimal and double; strings with a NUL, far too long, or not strings), every fuzzed query value, and broken bodies.
    /// </summary>
    public async Task SystematicAsync()
    {
        foreach (var operation in _operations)
        {
            foreach (var (variation, body, query) in FuzzCases.Systematic(operation))
                await RunAsync(operation, variation, body, query, systematic: true);
        }
    }

    public async Task RandomAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var operation = random.Pick(_operations);
            var (variation, body) = FuzzCases.Random(operation, random);
            var query = operation.QueryValues is { } values ? random.Pick(values) : null;
            if (query is not null)
                variation = $"{operation.QueryName}={query}";
            await RunAsync(operation, variation, body, query, systematic: false);
        }
    }

    /// <summary>After the fuzz, everything in the database reads: every group, its items and usage, every item and its trail.</summary>
    public async Task ReadEverythingAsync()
    {
        var snapshot = await world.RefreshAsync();
        await using var db = world.NewContext();
        var groups = await db.Groups.Select(g => g.Id).ToListAsync();
        var reads = new List<string> { "/api/v1/groups" };
        foreach (var group in groups)
            reads.AddRange([$"/api/v1/groups/{group}", $"/api/v1/groups/{group}/work-items", $"/api/v1/groups/{group}/usage"]);
        foreach (var item in snapshot.WorkItems)
            reads.AddRange([$"/api/v1/work-items/{item.Id}", $"/api/v1/work-items/{item.Id}/events"]);
        foreach (var path in reads)
        {
            var response = await world.SendAsync(new FuzzRequest("read back", HttpMethod.Get, path, Credential.Human, null));
            if (response.Status != 200 || !FuzzAnswers.IsJson(response.Body))
                findings.Add($"after the fuzz, GET {path} answers {response.Status}", $"GET {path} → {response.Status}: {FuzzRequest.Shorten(response.Body)}");
        }
    }

    private async Task RunAsync(FuzzOperation operation, string variation, string? body, string? query, bool systematic)
    {
        var (item, setUpFailure) = await world.EnsureAsync(operation.Target, random);
        if (setUpFailure is not null)
        {
            findings.Add($"set-up for {operation.Name} failed", setUpFailure);
            return;
        }

        var path = operation.Path
            .Replace("{group}", systematic ? world.GroupId.ToString() : PickGroup(), StringComparison.Ordinal)
            .Replace("{agent}", systematic ? world.AgentId.ToString() : PickAgent(), StringComparison.Ordinal)
            .Replace("{item}", systematic || random.Next(10) < 8 ? item?.ToString() : PickOtherItem(), StringComparison.Ordinal)
            .Replace("{assignment}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
        if (query is not null)
            path += $"?{operation.QueryName}={Uri.EscapeDataString(query)}";
        var credential = systematic || random.Next(20) > 0 ? operation.Credential : random.Pick(Enum.GetValues<Credential>());
        var contentType = systematic || random.Next(25) > 0 ? "application/json" : random.Pick(new[] { "text/plain", null, "application/json; charset=utf-16", "application/merge-patch+json" });
        var key = !systematic && operation.Writes && random.Next(8) == 0
            ? random.Next(10) == 0 ? new string('k', 201) : Guid.NewGuid().ToString("N")
            : null;
        body = body is null ? operation.Method == HttpMethod.Post && random.Next(2) == 0 ? "{}" : null : world.Fill(body);
        var request = new FuzzRequest(operation.Name, operation.Method, path, credential, body, contentType, key) { Variation = variation };
        var response = await CheckAsync(request, item);
        if (_groupBroken)
        {
            // The group no longer reads: go on in a fresh one, so that what is found next is not this again.
            _groupBroken = false;
            await world.StartGroupAsync();
        }

        // Registration answers credentials once: its repeat is refused by design, not replayed.
        if (key is { Length: <= 200 } && operation.Name != "register" && random.Next(2) == 0)
            await CheckRepeatAsync(request, response);
    }

    private async Task<FuzzResponse> CheckAsync(FuzzRequest request, Guid? item)
    {
        var before = world.Current;
        var mark = world.Errors.Mark;
        var response = await world.SendAsync(request);
        Sent++;
        var answer = $"{request}\n  → {response.Status} {response.ContentType}: {FuzzRequest.Shorten(response.Body)}";
        var logged = world.Errors.Since(mark);
        if (logged.Count > 0)
            answer += "\n  server logged: " + string.Join("\n  server logged: ", logged.Take(3).Select(FuzzRequest.Shorten));

        if (response.Status >= 500)
        {
            findings.Add($"{response.Status} from {request.Operation}: {FuzzAnswers.FirstLine(logged)}", answer, request.Operation, request.Variation);
            if (item is { } broken && request.Path.Contains(broken.ToString(), StringComparison.Ordinal))
                world.Quarantine(broken);
            else if (request.Path.Contains(world.GroupId.ToString(), StringComparison.Ordinal))
                _groupBroken = true;
        }
        else if (response.Status >= 400 && !FuzzAnswers.IsProblem(response))
        {
            findings.Add($"{response.Status} without problem details from {request.Operation}", answer, request.Operation, request.Variation);
        }
        else if (response.Status is >= 200 and < 300 && response.Body.Length > 0 && !FuzzAnswers.IsJson(response.Body))
        {
            findings.Add($"{response.Status} with a body that is not JSON from {request.Operation}", answer, request.Operation, request.Variation);
        }

        var after = await world.RefreshAsync();
        Answers[response.Status] = Answers.GetValueOrDefault(response.Status) + 1;
        if (response.Status is >= 200 and < 300 && request.Method != HttpMethod.Get)
        {
            await using var db = world.NewContext();
            if ((await before.ChangesAsync(after, db, lateResultKept: false)).Count > 0)
                AcceptedChanges++;
        }

        if (response.Status is >= 400 and < 500)
        {
            await using var db = world.NewContext();
            var kept = request.Operation == "result" && response.Status == 409 && response.Body.Contains("\"resultKept\":true", StringComparison.Ordinal);
            var changes = await before.ChangesAsync(after, db, lateResultKept: kept);
            if (changes.Count > 0)
            {
                findings.Add($"{request.Operation} refused with {response.Status} but changed the data",
                    answer + "\n  changed: " + string.Join("\n  changed: ", changes.Take(6)), request.Operation, request.Variation);
            }
        }

        if (response.Status is >= 200 and < 300 && request.Method != HttpMethod.Get)
            await ReadBackAsync(request, response, item, answer);
        return response;
    }

    /// <summary>
    /// What was accepted must read back: the group, its items and usage, the agent's next pull, the item itself, and what was
    /// created. A group that no longer reads is left for a fresh one; an item that no longer reads is not aimed at again.
    /// </summary>
    private async Task ReadBackAsync(FuzzRequest request, FuzzResponse response, Guid? item, string answer)
    {
        var reads = new List<(string Path, Credential As, Guid? Item)>
        {
            ("/api/v1/groups", Credential.Human, null),
            ($"/api/v1/groups/{world.GroupId}", Credential.Human, null),
            ($"/api/v1/groups/{world.GroupId}/work-items", Credential.Human, null),
            ($"/api/v1/groups/{world.GroupId}/usage", Credential.Human, null),
            ($"/api/v1/agents/{world.AgentId}/work?waitSeconds=0", Credential.Agent, null),
        };
        if (item is { } id && request.Path.Contains(id.ToString(), StringComparison.Ordinal))
            reads.AddRange([($"/api/v1/work-items/{id}", Credential.Human, id), ($"/api/v1/work-items/{id}/events", Credential.Human, id)]);
        // Whatever a 201 names in Location reads back there (a registration names none: an agent has no resource of its own to read).
        if (response.Location is { } location)
            reads.Add((location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString, Credential.Human, null));

        foreach (var (path, credential, readItem) in reads)
        {
            var mark = world.Errors.Mark;
            var read = await world.SendAsync(new FuzzRequest("read back", HttpMethod.Get, path, credential, null));
            if (read.Status is 200 or 204 && (read.Body.Length == 0 || FuzzAnswers.IsJson(read.Body)))
                continue;
            var logged = world.Errors.Since(mark);
            findings.Add($"GET {path.Split('?')[0]} answers {read.Status} after an accepted request: {FuzzAnswers.FirstLine(logged)}",
                $"{answer}\n  then GET {path} → {read.Status}: {FuzzRequest.Shorten(read.Body)}" +
                (logged.Count > 0 ? "\n  server logged: " + FuzzRequest.Shorten(logged[0]) : ""),
                request.Operation, request.Variation);
            if (readItem is { } broken)
                world.Quarantine(broken);
            else if (path.Contains(world.GroupId.ToString(), StringComparison.Ordinal))
                _groupBroken = true;
        }
    }

    /// <summary>The same request with the same Idempotency-Key: the first answer again, and nothing changed.</summary>
    private async Task CheckRepeatAsync(FuzzRequest request, FuzzResponse first)
    {
        var before = world.Current;
        var repeat = await world.SendAsync(request);
        Sent++;
        var after = await world.RefreshAsync();
        var answers = $"{request}\n  first → {first.Status}: {FuzzRequest.Shorten(first.Body)}\n  repeat → {repeat.Status}: {FuzzRequest.Shorten(repeat.Body)}";
        // A 5xx is reported already; its key keeps "outcome unknown" by design, whatever the first answer said.
        if (repeat.Status != first.Status || (first.Status < 500 && !FuzzAnswers.SameJson(first.Body, repeat.Body)))
            findings.Add($"a repeat with the same Idempotency-Key got another answer from {request.Operation}", answers, request.Operation, request.Variation);
        await using var db = world.NewContext();
        var changes = await before.ChangesAsync(after, db, lateResultKept: false);
        if (changes.Count > 0)
            findings.Add($"a repeat with the same Idempotency-Key changed the data ({request.Operation})", answers + "\n  changed: " + string.Join("\n  changed: ", changes.Take(5)), request.Operation, request.Variation);
    }

    private string PickGroup() => random.Next(20) switch
    {
        0 => world.OtherGroupId.ToString(),
        1 => Guid.NewGuid().ToString(),
        2 => "not-a-guid",
        _ => world.GroupId.ToString(),
    };

    private string PickAgent() => random.Next(20) switch
    {
        0 or 1 => world.OtherAgentId.ToString(),
        2 => Guid.NewGuid().ToString(),
        3 => "not-a-guid",
        _ => world.AgentId.ToString(),
    };

    private string PickOtherItem() => random.Next(4) switch
    {
        0 => world.OtherGroupItemId.ToString(),
        1 => Guid.NewGuid().ToString(),
        2 => "not-a-guid",
        _ => world.Candidates.Count > 0 ? random.Pick(world.Candidates).Id.ToString() : Guid.NewGuid().ToString(),
    };
}
