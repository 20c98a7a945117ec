using System.Collections.Concurrent;
using ClawGroups.Coordinator.Assignments;
using ClawGroups.Coordinator.Learning;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Inference.Skills;
using ClawGroups.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClawGroups.Coordinator.Tests.Assignments;

/// <summary>
/// Signals that keep the items whose text a commit wrote, and read them as the app's <see cref="WrittenTextReader"/> does after
/// the commit; every other signal goes nowhere.
/// </summary>
internal sealed class WrittenTexts : IWorkSignals
{
    private readonly ConcurrentQueue<Guid> _written = new();

    public IReadOnlyCollection<Guid> Written => _written;

    public void AssignmentNeeded(Guid groupId)
    {
    }

    public void MessagesDue(IReadOnlyCollection<Guid> outboxMessageIds)
    {
    }

    public void AgentHasNews(Guid agentId)
    {
    }

    public void TextWritten(IReadOnlyCollection<Guid> workItemIds)
    {
        foreach (var id in workItemIds)
        {
            _written.Enqueue(id);
        }
    }

    /// <summary>Reads, in one round of the app's reader, every text written since the last call; returns how many it read.</summary>
    public async Task<int> ReadAsync(TestDatabase database, ISkillModel model)
    {
        var ids = new List<Guid>();
        while (_written.TryDequeue(out var id))
        {
            ids.Add(id);
        }

        return await Reader(database, model).ReadAsync(ids, CancellationToken.None);
    }

    /// <summary>The app's reader, on <paramref name="database"/>, with <paramref name="model"/> served to every group.</summary>
    public static WrittenTextReader Reader(TestDatabase database, ISkillModel model)
    {
        ArgumentNullException.ThrowIfNull(database);
        var services = new ServiceCollection()
            .AddScoped(_ => database.NewContext())
            .AddSingleton(new GroupSkillModels(new SkillModels(model), NullLogger<GroupSkillModels>.Instance))
            .BuildServiceProvider();
        return new WrittenTextReader(services.GetRequiredService<IServiceScopeFactory>(), NullLogger<WrittenTextReader>.Instance);
    }
}
