using ClawGroups.Coordinator.Tests.Assignments;
using ClawGroups.Coordinator.WorkItems;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Coordinator.Tests.WorkItems;

/// <summary>The one rule for whether feedback asks for the same member, and how notes are kept for the next reading.</summary>
public sealed class FeedbackSteeringTests
{
    [Theory]
    [InlineData("Front-end please")]
    [InlineData("not an API problem")]
    [InlineData("")]
    [InlineData(null)]
    public void By_default_a_note_sends_the_item_to_someone_else(string? note)
        => Assert.False(FeedbackSteering.AsksForSameMember(note, "kube", sameMember: null));

    [Theory]
    [InlineData("kube, please add the tests")]
    [InlineData("Back to Kube for the last step")]
    public void A_note_that_names_the_member_and_says_nothing_against_them_asks_for_them(string note)
        => Assert.True(FeedbackSteering.AsksForSameMember(note, "kube", sameMember: null));

    [Theory]
    [InlineData("not kube")]
    [InlineData("kube got it wrong")]
    [InlineData("kube shouldn't have had this")]
    [InlineData("kube shouldn\u2019t have had this")]
    [InlineData("someone other than kube")]
    public void A_note_against_the_member_it_names_does_not_ask_for_them(string note)
        => Assert.False(FeedbackSteering.AsksForSameMember(note, "kube", sameMember: null));

    [Fact]
    public void A_name_inside_another_word_is_not_the_member()
        => Assert.False(FeedbackSteering.AsksForSameMember("the kubectl output is missing", "kube", sameMember: null));

    [Fact]
    public void The_explicit_choice_wins_over_the_note()
    {
        Assert.True(FeedbackSteering.AsksForSameMember("Front-end please", "kube", sameMember: true));
        Assert.False(FeedbackSteering.AsksForSameMember("kube, add the tests", "kube", sameMember: false));
    }

    [Fact]
    public void Sending_on_steers_the_attempt_away_keeps_the_note_first_and_drops_the_kept_reading()
    {
        var item = new WorkItem { Description = "Make the chart", RoutingNotes = "not an API problem", ReadingVersion = "v1", ReadingVector = [1, 2, 3, 4] };
        var attempt = new Assignment();

        var written = new WrittenTexts();
        using var context = UnopenedContext();

        var same = FeedbackSteering.SendOn(new WorkItemLifecycle(context, TimeProvider.System, written), item, attempt, "kube", "Front-end\nplease", sameMember: null);

        Assert.False(same);
        Assert.True(attempt.SteeredAway);
        Assert.Equal("Front-end please\nnot an API problem", item.RoutingNotes);
        Assert.Null(item.ReadingVersion);
        Assert.Null(item.ReadingVector);
        // Read again once the save commits (ItemReadingsTests), not before.
        Assert.Empty(written.Written);
        Assert.Equal("Front-end please. not an API problem. Make the chart", FeedbackSteering.ReadWithNotes(item.Description, item.RoutingNotes));
    }

    [Fact]
    public void Sending_on_without_a_note_steers_away_and_keeps_the_reading()
    {
        var item = new WorkItem { ReadingVersion = "v1", ReadingVector = [1, 2, 3, 4] };
        var attempt = new Assignment();

        using var context = UnopenedContext();

        FeedbackSteering.SendOn(new WorkItemLifecycle(context, TimeProvider.System, new WrittenTexts()), item, attempt, "kube", " ", sameMember: null);

        Assert.True(attempt.SteeredAway);
        Assert.Null(item.RoutingNotes);
        Assert.Equal("v1", item.ReadingVersion);
    }

    [Fact]
    public void The_oldest_notes_are_dropped_whole_to_stay_within_the_column()
    {
        var old = new string('o', WorkItemLimits.MaxNoteLength);
        var middle = new string('m', WorkItemLimits.MaxNoteLength - 2);

        var notes = FeedbackSteering.WithNote(FeedbackSteering.WithNote(old, middle), "newest");

        Assert.Equal($"newest\n{middle}", notes);
        Assert.True(notes.Length <= WorkItemLimits.MaxRoutingNotesLength);
    }

    /// <summary>A context for a lifecycle that never reaches the database: these rules only mark what the save will write.</summary>
    private static ClawDbContext UnopenedContext()
        => new(new DbContextOptionsBuilder<ClawDbContext>().UseSqlite("Data Source=:memory:").Options);
}
