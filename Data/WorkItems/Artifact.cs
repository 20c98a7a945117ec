namespace ClawGroups.Data.WorkItems;

/// <summary>A file or document produced for a work item (a report, a patch, a screenshot).</summary>
public class Artifact
{
    public Guid Id { get; set; }

    public Guid WorkItemId { get; set; }

    /// <summary>The attempt that produced it; kept when a human takes over so nothing reported is lost.</summary>
    public Guid? AssignmentId { get; set; }

    public string Name { get; set; } = "";

    public string MediaType { get; set; } = "text/plain";

    /// <summary>Text content, or base64 for binary media types.</summary>
    public string Content { get; set; } = "";

    public long SizeBytes { get; set; }

    public MemberKind AuthorKind { get; set; }

    public Guid? AuthorId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
