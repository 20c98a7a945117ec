namespace ClawGroups.Coordinator.Agents;

public sealed record UsageReport(long? InputTokens, long? OutputTokens, decimal? CostUsd);

public sealed record ProgressReport(double? Fraction, string? Message, UsageReport? Usage);

public sealed record ArtifactUpload(string? Name, string? MediaType, string? Content);

public sealed record ResultReport(string? Summary, IReadOnlyList<ArtifactUpload>? Artifacts, UsageReport? Usage);

public sealed record DeclineReport(string? Reason);
