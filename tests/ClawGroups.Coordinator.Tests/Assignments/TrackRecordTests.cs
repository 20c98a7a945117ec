using ClawGroups.Coordinator.Assignments;
using ClawGroups.Data.Agents;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Coordinator.Tests.Assignments;

public sealed class TrackRecordTests
{
    private static readonly Guid Group = Guid.NewGuid();

    [Fact]
    public void A_newcomer_stands_exactly_where_the_group_does()
    {
        var veteran = Guid.NewGuid();
        var records = new TrackRecords([(veteran, "infra", Counts(accepted: 12, stalled: 3))]);

        var newcomer = records.StandingOf(Guid.NewGuid(), "infra");

        Assert.Equal(0, newcomer.Lead, 12);
        Assert.Equal(newcomer.GroupValue, newcomer.Value, 12);
    }

    [Fact]
    public void The_group_prior_is_the_groups_own_acceptance_shrunk_toward_most_work_being_accepted()
    {
        var records = new TrackRecords([(Guid.NewGuid(), "infra", Counts(accepted: 6, stalled: 2))]);

        var standing = records.StandingOf(Guid.NewGuid(), "infra");

        // (6 + 2 × 0.8) / (8 + 2)
        Assert.Equal(0.76, standing.GroupReliability, 12);
    }

    [Fact]
    public void One_failure_moves_a_member_a_little_and_many_move_them_a_lot()
    {
        var (once, often, other) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var records = new TrackRecords(
        [
            (other, "infra", Counts(accepted: 40, stalled: 10)),
            (once, "infra", Counts(stalled: 1)),
            (often, "infra", Counts(stalled: 10)),
        ]);

        var afterOne = records.StandingOf(once, "infra").Lead;
        var afterTen = records.StandingOf(often, "infra").Lead;

        Assert.InRange(afterOne, -0.2, -0.01);
        Assert.True(afterTen < 2.5 * afterOne, $"ten stalls ({afterTen}) should weigh far more than one ({afterOne})");
    }

    [Fact]
    public void Declines_and_review_rejections_count_against_a_member_as_stalls_do()
    {
        var (decliner, rejected, reliable) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var records = new TrackRecords(
        [
            (decliner, "web", Counts(accepted: 2, declined: 4)),
            (rejected, "web", Counts(accepted: 2, rejected: 4)),
            (reliable, "web", Counts(accepted: 6)),
        ]);

        Assert.True(records.StandingOf(decliner, "web").Lead < 0);
        Assert.True(records.StandingOf(rejected, "web").Lead < 0);
        Assert.True(records.StandingOf(reliable, "web").Lead > 0);
    }

    [Fact]
    public void A_member_new_to_an_area_starts_from_their_own_record_elsewhere()
    {
        var (steady, flaky) = (Guid.NewGuid(), Guid.NewGuid());
        var records = new TrackRecords(
        [
            (steady, "infra", Counts(accepted: 20)),
            (flaky, "infra", Counts(accepted: 5, stalled: 15)),
        ]);

        Assert.True(records.StandingOf(steady, "docs").Lead > records.StandingOf(flaky, "docs").Lead);
        Assert.Equal(default, records.Of(steady, "docs"));
    }

    [Fact]
    public void A_slower_member_stands_below_an_equally_reliable_faster_one()
    {
        var (fast, slow) = (Guid.NewGuid(), Guid.NewGuid());
        var records = new TrackRecords(
        [
            (fast, "infra", new TrackRecordCounts(10, 0, 0, 0, PaceSum: 10, Paced: 10)),
            (slow, "infra", new TrackRecordCounts(10, 0, 0, 0, PaceSum: 3, Paced: 10)),
        ]);

        Assert.Equal(records.StandingOf(fast, "infra").Reliability, records.StandingOf(slow, "infra").Reliability, 12);
        Assert.True(records.StandingOf(fast, "infra").Value > records.StandingOf(slow, "infra").Value);
    }

    [Fact]
    public void Of_two_equally_reliable_members_the_one_whose_results_cost_less_stands_higher()
    {
        var (cheap, dear) = (Guid.NewGuid(), Guid.NewGuid());
        var records = new TrackRecords(
        [
            (cheap, "infra", Counts(accepted: 10) with { CostUsd = 1.0 }),
            (dear, "infra", Counts(accepted: 10) with { CostUsd = 4.0 }),
        ]);

        var (cheaper, dearer) = (records.StandingOf(cheap, "infra"), records.StandingOf(dear, "infra"));

        Assert.Equal(cheaper.Value, dearer.Value, 12);
        Assert.True(cheaper.Economy > Standing.EvenEconomy && dearer.Economy < Standing.EvenEconomy, $"{cheaper.Economy} vs {dearer.Economy}");
        Assert.True(cheaper.Lead > 0 && dearer.Lead < 0, $"{cheaper.Lead} vs {dearer.Lead}");
        Assert.InRange(cheaper.Lead - dearer.Lead, 0.01, TrackRecords.EconomyWeight);
    }

    [Fact]
    public void Cost_parts_members_who_do_equally_well_but_never_lifts_a_cheap_one_who_lets_work_down_over_a_dear_one_who_delivers()
    {
        var (cheapFlaky, dearReliable) = (Guid.NewGuid(), Guid.NewGuid());
        var records = new TrackRecords(
        [
            (cheapFlaky, "infra", Counts(accepted: 5, stalled: 5) with { CostUsd = 0.05 }),
            (dearReliable, "infra", Counts(accepted: 10) with { CostUsd = 10.0 }),
        ]);

        Assert.True(records.StandingOf(dearReliable, "infra").Lead > records.StandingOf(cheapFlaky, "infra").Lead);
    }

    [Fact]
    public void A_member_who_reports_no_cost_is_even_not_cheap_and_a_group_without_cost_weighs_none()
    {
        var (silent, paying) = (Guid.NewGuid(), Guid.NewGuid());
        var costed = new TrackRecords([(silent, "infra", Counts(accepted: 10)), (paying, "infra", Counts(accepted: 10) with { CostUsd = 2.0 })]);
        var uncosted = new TrackRecords([(silent, "infra", Counts(accepted: 10)), (paying, "infra", Counts(accepted: 10))]);

        Assert.Equal(Standing.EvenEconomy, costed.StandingOf(silent, "infra").Economy);
        Assert.Equal(Standing.EvenEconomy, uncosted.StandingOf(paying, "infra").Economy);
        Assert.Equal(uncosted.StandingOf(silent, "infra").Lead, costed.StandingOf(silent, "infra").Lead, 12);
    }

    [Fact]
    public void A_members_cost_in_a_new_area_starts_from_what_their_other_work_cost()
    {
        var (cheap, dear, other) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var records = new TrackRecords(
        [
            (cheap, "infra", Counts(accepted: 20) with { CostUsd = 2.0 }),
            (dear, "infra", Counts(accepted: 20) with { CostUsd = 20.0 }),
            (other, "docs", Counts(accepted: 20) with { CostUsd = 10.0 }),
        ]);

        Assert.True(records.StandingOf(cheap, "docs").Economy > records.StandingOf(dear, "docs").Economy);
    }

    [Fact]
    public void Areas_are_compared_without_case()
    {
        var member = Guid.NewGuid();
        var records = new TrackRecords([(member, "Infra", Counts(accepted: 3)), (member, "infra", Counts(stalled: 1))]);

        Assert.Equal(Counts(accepted: 3, stalled: 1), records.Of(member, "INFRA"));
    }

    [Fact]
    public void Pace_is_the_estimate_over_the_time_taken_at_most_one()
    {
        var started = DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var item = new WorkItem { ExpectedDurationSeconds = 600 };

        Assert.Equal(0.5, TrackRecordQuery.PaceOf(item, new Assignment { AcceptedAt = started }, started.AddMinutes(20)));
        Assert.Equal(1, TrackRecordQuery.PaceOf(item, new Assignment { AcceptedAt = started }, started.AddMinutes(2)));
        Assert.Null(TrackRecordQuery.PaceOf(new WorkItem(), new Assignment { AcceptedAt = started }, started.AddMinutes(2)));
    }

    [Fact]
    public void Only_outcomes_that_say_something_about_the_member_count()
    {
        Assert.Equal(default, TrackRecordCounts.Of(AssignmentOutcome.Revoked, 3));
        Assert.Equal(default, TrackRecordCounts.Of(AssignmentOutcome.Reassigned, 3));
        Assert.Equal(3, TrackRecordCounts.Of(AssignmentOutcome.Rejected, 3).Rejected);
    }

    [Fact]
    public void The_reason_names_the_record_in_the_matched_area()
    {
        Assert.Equal("accepted 14 of 15 in Infrastructure", TrackRecords.Describe(Counts(accepted: 14, stalled: 1), "Infrastructure"));
        Assert.Equal("accepted 2 of 3", TrackRecords.Describe(Counts(accepted: 2, declined: 1), null));
        Assert.Null(TrackRecords.Describe(default, "Infrastructure"));
        Assert.Equal("accepted 4 of 5 in Infrastructure, $0.125 a result",
            TrackRecords.Describe(Counts(accepted: 4, stalled: 1) with { CostUsd = 0.5 }, "Infrastructure"));
    }

    [Fact]
    public void Without_records_the_score_is_what_it_was()
    {
        var (item, a, b) = (Item(), Member("infra"), Member("infra"));
        var affinities = Affinities(0.6f, 0.5f);

        var without = AssignmentCandidates.Score([item], [a, b], new Dictionary<Guid, int>(), affinities);
        var none = AssignmentCandidates.Score([item], [a, b], new Dictionary<Guid, int>(), affinities, TrackRecords.None);

        Assert.Equal(without.Select(c => c.Score), none.Select(c => c.Score));
        Assert.All(none, c => Assert.Equal(0, c.Lead));
    }

    [Fact]
    public void A_reliable_member_in_the_area_outscores_a_slightly_better_fit_that_keeps_stalling()
    {
        var (item, reliable, flaky) = (Item(), Member("infra"), Member("infra"));
        var records = new TrackRecords(
        [
            (reliable.Id, "infra", Counts(accepted: 15)),
            (flaky.Id, "infra", Counts(accepted: 5, stalled: 10)),
        ]);

        var candidates = AssignmentCandidates.Score([item], [reliable, flaky], new Dictionary<Guid, int>(), Affinities(0.60f, 0.65f), records);

        Assert.True(candidates[0].Score > candidates[1].Score, $"{candidates[0].Score} vs {candidates[1].Score}");
        Assert.Equal(AssignmentCandidates.TrackRecordWeight * records.StandingOf(reliable.Id, "infra").Lead,
            candidates[0].Score - Untouched(candidates[0]), 9);
    }

    [Fact]
    public void The_track_record_is_taken_out_of_the_priority_part()
    {
        var (item, member) = (Item(), Member("infra"));
        var records = new TrackRecords([(member.Id, "infra", Counts(accepted: 15)), (Guid.NewGuid(), "infra", Counts(stalled: 5))]);

        var candidate = Assert.Single(AssignmentCandidates.Score([item], [member], new Dictionary<Guid, int>(), Affinities(0.7f), records));
        var parts = AssignmentCandidates.PartsOf(candidate, load: 0, member.Capacity);

        Assert.Equal(0, parts.Priority, 9);
        Assert.Equal(candidate.Lead, parts.Lead);
        Assert.True(parts.Lead > 0);
    }

    [Fact]
    public void The_reason_states_the_track_record_after_the_skill_level()
    {
        var skill = new SkillEntry("infra", "Infrastructure", "", ["Kubernetes"], [], 0.9);

        var reason = RoutingReason.Format(["restarting", "pods"], skill, 0.83, 0.61, 1, 2, 0.9, 0.5, "accepted 14 of 15 in Infrastructure");

        Assert.Equal(
            "restarting pods → Infrastructure (Kubernetes); fit 0.83, next best 0.61; skill level 0.90; accepted 14 of 15 in Infrastructure; load 1/2; priority +0.50",
            reason);
    }

    [Fact]
    public void The_reason_names_the_area_by_the_matched_skill_or_the_whole_record_without_one()
    {
        var member = Member("infra");
        var records = new TrackRecords([(member.Id, "infra", Counts(accepted: 14, stalled: 1)), (member.Id, "docs", Counts(accepted: 1))]);

        Assert.Equal("accepted 14 of 15 in infra-name", TrackRecordReason.For(records, member, 0));
        Assert.Equal("accepted 15 of 16", TrackRecordReason.For(records, member, -1));
    }

    private static double Untouched(AssignmentCandidate c)
        => (AssignmentCandidates.AffinityWeight * c.Affinity) + (AssignmentCandidates.LevelWeight * c.Level) + AssignmentCandidates.SpareCapacityWeight;

    private static TrackRecordCounts Counts(int accepted = 0, int stalled = 0, int declined = 0, int rejected = 0) => new(accepted, stalled, declined, rejected);

    private static WorkItem Item() => new() { Id = Guid.NewGuid(), GroupId = Group, Title = "Restart the pods" };

    private static Agent Member(string skill)
    {
        var member = new Agent { Id = Guid.NewGuid(), Name = skill, Capacity = 1 };
        member.Skills.Add(new AgentSkill { SkillId = skill, Name = $"{skill}-name", Level = 0.5 });
        return member;
    }

    private static AffinityMatrix Affinities(params float[] scores)
    {
        var matrix = new AffinityMatrix(1, scores.Length);
        for (var a = 0; a < scores.Length; a++)
        {
            matrix.Set(0, a, scores[a], 0);
        }

        return matrix;
    }
}
