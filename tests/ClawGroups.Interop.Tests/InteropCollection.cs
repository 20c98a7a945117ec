namespace ClawGroups.Interop.Tests;

/// <summary>One app process for every interop test; they run one after another (each starts Node processes of its own).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InteropCollection : ICollectionFixture<InteropServer>
{
    public const string Name = "interop";
}
