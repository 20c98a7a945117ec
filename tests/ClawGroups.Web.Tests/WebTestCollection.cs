namespace ClawGroups.Web.Tests;

/// <summary>
/// Hangfire keeps some process-wide state (its global configuration), so app instances in this process start
/// one at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WebTestCollection
{
    public const string Name = "web app";
}
