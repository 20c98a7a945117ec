using System.Diagnostics;
using System.Globalization;
using ClawGroups.Data.Database;
using Xunit.Abstractions;

namespace ClawGroups.Web.Tests.Api.Fuzzing;

/// <summary>
/// Issue 16, "nothing an agent sends can hurt anyone else": every agent and human endpoint gets random and boundary JSON
/// (the edges of int, long, decimal and double, NUL characters, far too long strings, wrong types, missing and unknown
/// fields, broken JSON, unknown ids, bad query values). Every answer is a success or a 4xx with problem details, never a
/// 5xx; a refusal changes nothing; what was accepted reads back. The seed is printed; CLAWGROUPS_FUZZ_SEED replays a run.
/// </summary>
[Collection(WebTestCollection.Name)]
public sealed class ApiFuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 16;
    private const int RandomRequests = 150;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Fuzzed_requests_get_success_or_problem_details_refusals_change_nothing_and_what_is_accepted_reads_back(DatabaseProvider provider)
    {
        var seed = Environment.GetEnvironmentVariable("CLAWGROUPS_FUZZ_SEED") is { Length: > 0 } given
            ? int.Parse(given, CultureInfo.InvariantCulture)
            : DefaultSeed;
        var findings = new FuzzFindings();
        var clock = Stopwatch.StartNew();
        await using var world = await FuzzWorld.StartAsync(provider);
        var fuzzer = new ApiFuzzer(world, new Random(seed), findings);

        await fuzzer.SystematicAsync();
        var systematic = fuzzer.Sent;
        await fuzzer.RandomAsync(RandomRequests);
        await fuzzer.ReadEverythingAsync();

        output.WriteLine($"{provider}, seed {seed}: {systematic} systematic and {fuzzer.Sent - systematic} random requests in {clock.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine("answers: " + string.Join(", ", fuzzer.Answers.Select(a => $"{a.Key} ×{a.Value}")));
        output.WriteLine(findings.Report());
        Assert.True(fuzzer.AcceptedChanges > 0, "No accepted request changed anything the snapshots see: they could not see a refusal's change either.");
        Assert.True(findings.Count == 0, $"{findings.Count} defects on {provider} (seed {seed}; CLAWGROUPS_FUZZ_SEED={seed} replays):\n\n{findings.Report()}");
    }
}
