namespace ClawGroups.Coordinator.Insights;

/// <summary>
/// The names the spend chart gives the agents it draws one by one. Names are not unique in a group, and one agent could be
/// called "others": a name that would merge two lines (compared without case, as the series are) gets the end of its id.
/// </summary>
public static class SeriesLabels
{
    public static Dictionary<Guid, string> OfAgents(IReadOnlyList<Guid> agents, Func<Guid, string> nameOf, string others)
    {
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(nameOf);
        var shared = agents.GroupBy(nameOf, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key)
            .Append(others).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return agents.ToDictionary(id => id, id => shared.Contains(nameOf(id)) ? $"{nameOf(id)} ({id.ToString("N")[^6..]})" : nameOf(id));
    }
}
