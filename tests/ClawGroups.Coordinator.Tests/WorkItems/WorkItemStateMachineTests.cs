using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Tests.WorkItems;

public sealed class WorkItemStateMachineTests
{
    /// <summary>
    /// The expected rules, restated from the product's description of a work item's life rather than copied from the
    /// machine: one row per state, one column per move, the target state where the move is allowed, "." where not.
    /// </summary>
    private const string Matrix = """
        state      | unblock block  assign   accept     decline submitForReview finish approve reject takeOver   handBack reassign stall   fail   retry cancel acceptLateResult plan    consolidate consolidateAndFinish reopen
        backlog    | ready   .      .        .          .       .               .      .       .      .          .        .        .       .      .     cancelled . .       inReview    done                 .
        ready      | .       backlog assigned .         .       .               .      .       .      inProgress .        assigned .       failed .     cancelled done .       .           .                    .
        assigned   | .       .      .        inProgress ready   .               .      .       .      inProgress .        assigned stalled failed .     cancelled done .       .           .                    .
        inProgress | .       .      .        .          ready   inReview        done   .       .      inProgress ready    assigned stalled failed .     cancelled done backlog .           .                    .
        inReview   | .       .      .        .          .       .               .      done    ready  .          .        .        .       .      .     cancelled . .       .           .                    .
        done       | .       .      .        .          .       .               .      .       .      .          .        .        .       .      .     . . .       .           .                    .
        stalled    | .       .      assigned .          .       .               .      .       .      inProgress .        assigned .       failed .     cancelled done .       .           .                    .
        failed     | .       .      .        .          .       .               .      .       .      .          .        assigned .       .      ready cancelled done .       .           .                    .
        cancelled  | .       .      .        .          .       .               .      .       .      .          .        .        .       .      .     . . .       .           .                    ready
        """;

    private static readonly DateTimeOffset Before = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 12, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<(WorkItemState From, WorkItemMove Move), WorkItemState?> Expected = ParseMatrix();

    public static TheoryData<WorkItemState, WorkItemMove> Allowed => Pairs(allowed: true);

    public static TheoryData<WorkItemState, WorkItemMove> Forbidden => Pairs(allowed: false);

    public static TheoryData<WorkItemState, bool> Openness => new()
    {
        { WorkItemState.Backlog, true },
        { WorkItemState.Ready, true },
        { WorkItemState.Assigned, true },
        { WorkItemState.InProgress, true },
        { WorkItemState.InReview, true },
        { WorkItemState.Stalled, true },
        { WorkItemState.Done, false },
        { WorkItemState.Failed, false },
        { WorkItemState.Cancelled, false },
    };

    [Fact]
    public void Expected_matrix_covers_every_state_and_every_move()
    {
        Assert.Equal(Enum.GetValues<WorkItemState>().Length * Enum.GetValues<WorkItemMove>().Length, Expected.Count);
    }

    [Theory]
    [MemberData(nameof(Allowed))]
    public void Allowed_move_leads_to_its_documented_target(WorkItemState from, WorkItemMove move)
    {
        var target = WorkItemStateMachine.Target(from, move);

        Assert.True(WorkItemStateMachine.Allows(from, move));
        Assert.True(target.Succeeded);
        Assert.Equal(Expected[(from, move)], target.Value);
    }

    [Theory]
    [MemberData(nameof(Forbidden))]
    public void Forbidden_move_is_a_conflict_that_names_the_states_it_is_allowed_from(WorkItemState from, WorkItemMove move)
    {
        var target = WorkItemStateMachine.Target(from, move);

        Assert.False(WorkItemStateMachine.Allows(from, move));
        var failure = Assert.IsType<Failure>(target.Failure);
        Assert.Equal(FailureKind.Conflict, failure.Kind);
        const string marker = "allowed only from: ";
        var named = failure.Detail[(failure.Detail.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].TrimEnd('.').Split(", ");
        var allowedFrom = Expected.Where(e => e.Key.Move == move && e.Value is not null).Select(e => WorkItemStates.ApiName(e.Key.From));
        Assert.Equal(allowedFrom.Order(StringComparer.Ordinal), named.Order(StringComparer.Ordinal));
        Assert.NotNull(failure.Extensions);
        Assert.Equal(WorkItemStates.ApiName(from), failure.Extensions["state"]);
    }

    [Theory]
    [MemberData(nameof(Allowed))]
    public void Applying_an_allowed_move_sets_the_state_and_stamps_the_times(WorkItemState from, WorkItemMove move)
    {
        var item = new WorkItem { State = from, StateChangedAt = Before, UpdatedAt = Before };

        var outcome = WorkItemStateMachine.Apply(item, move, Now);

        var target = Expected[(from, move)];
        Assert.True(outcome.Succeeded);
        Assert.Equal(target, item.State);
        Assert.Equal(Now, item.UpdatedAt);
        // A move that keeps the state (reassigning an assigned item) is an update, not a change of state.
        Assert.Equal(target == from ? Before : Now, item.StateChangedAt);
    }

    [Theory]
    [MemberData(nameof(Forbidden))]
    public void Applying_a_forbidden_move_leaves_the_item_untouched(WorkItemState from, WorkItemMove move)
    {
        var item = new WorkItem { State = from, StateChangedAt = Before, UpdatedAt = Before };

        var outcome = WorkItemStateMachine.Apply(item, move, Now);

        Assert.False(outcome.Succeeded);
        Assert.Equal(from, item.State);
        Assert.Equal(Before, item.StateChangedAt);
        Assert.Equal(Before, item.UpdatedAt);
    }

    [Theory]
    [MemberData(nameof(Openness))]
    public void Open_states_are_those_still_in_play(WorkItemState state, bool open)
    {
        Assert.Equal(open, WorkItemStateMachine.IsOpen(state));
    }

    private static TheoryData<WorkItemState, WorkItemMove> Pairs(bool allowed)
    {
        var data = new TheoryData<WorkItemState, WorkItemMove>();
        foreach (var ((from, move), target) in Expected)
        {
            if (target is not null == allowed)
            {
                data.Add(from, move);
            }
        }

        return data;
    }

    private static Dictionary<(WorkItemState, WorkItemMove), WorkItemState?> ParseMatrix()
    {
        var lines = Matrix.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var moves = lines[0].Split('|')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Parse<WorkItemMove>).ToArray();
        var expected = new Dictionary<(WorkItemState, WorkItemMove), WorkItemState?>();
        foreach (var line in lines.Skip(1))
        {
            var parts = line.Split('|');
            var from = Parse<WorkItemState>(parts[0].Trim());
            var cells = parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(moves.Length, cells.Length);
            for (var m = 0; m < moves.Length; m++)
            {
                expected.Add((from, moves[m]), cells[m] == "." ? null : Parse<WorkItemState>(cells[m]));
            }
        }

        return expected;
    }

    private static T Parse<T>(string name)
        where T : struct, Enum => Enum.Parse<T>(name, ignoreCase: true);
}
