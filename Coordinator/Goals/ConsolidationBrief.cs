using System.Text;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Coordinator.Goals;

/// <summary>
/// The description of a goal's consolidation item: what the goal asked, then every sub-item's result and artifacts, in the
/// order they were planned, for the member who writes them up. An item's description has a limit; past it each artifact's
/// content is cut first (its name stays, and the full text stays on its sub-item), then the whole.
/// </summary>
public static class ConsolidationBrief
{
    /// <summary>The skill id or tag of a member who writes up: a consolidation requires it where the group has such an agent.</summary>
    public const string WritingSkill = "writing";

    public static string TitleFor(WorkItem goal)
    {
        ArgumentNullException.ThrowIfNull(goal);
        var title = $"Write up: {goal.Title}";
        return title.Length <= WorkItemLimits.MaxTitleLength ? title : title[..WorkItemLimits.MaxTitleLength];
    }

    public static string DescriptionFor(WorkItem goal, IReadOnlyList<WorkItem> subItems)
    {
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(subItems);
        foreach (var artifactLimit in new[] { int.MaxValue, 2000, 300, 0 })
        {
            var text = Write(goal, subItems, artifactLimit);
            if (text.Length <= WorkItemLimits.MaxDescriptionLength)
            {
                return text;
            }
        }

        const string cut = "\n\n(Cut to fit; every full result is on its sub-item.)";
        return Write(goal, subItems, 0)[..(WorkItemLimits.MaxDescriptionLength - cut.Length)] + cut;
    }

    private static string Write(WorkItem goal, IReadOnlyList<WorkItem> subItems, int artifactLimit)
    {
        var text = new StringBuilder();
        text.Append("Write up the results of the goal below into one result for the people who set it.\n\n");
        text.Append("## Goal: ").Append(goal.Title).Append("\n\n");
        if (!string.IsNullOrWhiteSpace(goal.Description))
        {
            text.Append(goal.Description.Trim()).Append("\n\n");
        }

        foreach (var item in subItems)
        {
            text.Append("## ").Append(item.Title).Append("\n\n");
            text.Append(string.IsNullOrWhiteSpace(item.ResultSummary) ? "(no summary)" : item.ResultSummary.Trim()).Append("\n\n");
            foreach (var artifact in item.Artifacts.OrderBy(a => a.CreatedAt))
            {
                text.Append("### Artifact: ").Append(artifact.Name).Append(" (").Append(artifact.MediaType).Append(")\n\n");
                if (artifactLimit > 0)
                {
                    var content = artifact.Content.Length <= artifactLimit ? artifact.Content : artifact.Content[..artifactLimit] + " …";
                    text.Append(content.Trim()).Append("\n\n");
                }
            }
        }

        return text.ToString().TrimEnd() + "\n";
    }
}
