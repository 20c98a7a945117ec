using ClawGroups.Coordinator.A2a;
using ClawGroups.Coordinator.A2a.Protocol;
using ClawGroups.Coordinator.WorkItems;

namespace ClawGroups.Coordinator.Tests.A2a;

public sealed class GroupTaskViewsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 22, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_done_item_is_a_completed_task_with_its_summary_as_the_message_and_its_artifacts()
    {
        var artifact = new ArtifactView(Guid.NewGuid(), "notes.md", "text/markdown", "# Notes", 7, Now, null);
        var task = Item("done", new ResultView("All built.", [artifact])).ToTask();

        Assert.Equal(TaskState.Completed, task.Status.State);
        Assert.Equal("All built.", task.Status.Message!.Parts[0].Text);
        Assert.Equal(Role.Agent, task.Status.Message.Role);
        var only = Assert.Single(task.Artifacts!);
        Assert.Equal("notes.md", only.Name);
        Assert.Equal("# Notes", only.Parts[0].Text);
        Assert.Equal("text/markdown", only.Parts[0].MediaType);
    }

    [Fact]
    public void A_binary_artifact_goes_out_as_a_raw_part()
    {
        var png = new ArtifactView(Guid.NewGuid(), "shot.png", "image/png", Convert.ToBase64String([1, 2, 3]), 3, Now, null);

        var part = Assert.Single(Item("done", new ResultView("Shot.", [png])).ToTask().Artifacts!).Parts[0];

        Assert.Equal([1, 2, 3], part.Raw!);
        Assert.Null(part.Text);
        Assert.Equal("""{"raw":"AQID","filename":"shot.png","mediaType":"image/png"}""", A2aJson.Serialize(part));
    }

    [Fact]
    public void The_task_id_and_context_id_are_the_items_id()
    {
        var item = Item("ready", null);
        var task = item.ToTask();

        Assert.Equal(item.Id.ToString(), task.Id);
        Assert.Equal(item.Id.ToString(), task.ContextId);
        Assert.Null(task.Artifacts);
        Assert.Null(task.Status.Message);
    }

    [Fact]
    public void An_assignees_open_question_is_input_required_with_the_question_as_its_message()
    {
        var item = Item("inProgress", null) with { Question = new QuestionView("Which database should it target?", Now) };

        var status = item.ToStatus();

        Assert.Equal(TaskState.InputRequired, status.State);
        Assert.Equal("Which database should it target?", Assert.Single(status.Message!.Parts).Text);
        Assert.Equal(TaskState.Working, (item with { Question = null }).ToStatus().State);
    }

    [Fact]
    public void A_message_reads_as_a_work_item_titled_by_its_first_line_with_skills_from_a_data_part()
    {
        var message = new Message
        {
            MessageId = "m1",
            Role = Role.User,
            Parts = [Part.FromText("  Build a settings page\nwith a dark mode switch"), Part.FromData(new { requiredSkills = new[] { "react" }, priority = 3 })],
        };

        var request = GroupTaskMessages.ToWorkItem(message);

        Assert.Equal("Build a settings page", request.Title);
        Assert.Contains("dark mode", request.Description!, StringComparison.Ordinal);
        Assert.Contains("\"requiredSkills\"", request.Description!, StringComparison.Ordinal);
        Assert.Equal(["react"], request.RequiredSkills!);
        Assert.Equal(3, request.Priority);
    }

    private static WorkItemView Item(string state, ResultView? result) => new(
        Guid.NewGuid(), Guid.NewGuid(), null, "Title", "", [], 0, state, null, 1, new ProgressView(0, null, null), result, [], false, null,
        new UsageView(0, 0, 0), Now, Now, Now, []);
}
