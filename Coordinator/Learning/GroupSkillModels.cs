using System.Collections.Concurrent;
using ClawGroups.Data.Database;
using ClawGroups.Inference.SafeTensors;
using ClawGroups.Inference.Skills;
using ClawGroups.Inference.Tuning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Coordinator.Learning;

/// <summary>
/// The skill model a group's passes ask: the served default, or the default with the group's fine-tuned head once the
/// feedback job has made one. Each pass reads only the tuning's timestamp; the head itself is read again only when
/// it changed, so every node picks up a new tuning on its next pass without any message between nodes.
/// </summary>
public sealed partial class GroupSkillModels(SkillModels models, ILogger<GroupSkillModels> logger)
{
    /// <summary>
    /// Groups whose tuned model is kept in memory (about 130 KB each with its profile cache, and ~1 KB more for each skill of
    /// a card it has read: the cache keeps the encoder's reading beside the skill's vectors, for SkillReadings). Past it the cache starts
    /// over: a group's head is read again (66 KB) on its next pass, cheaper than tracking recency on every pass.
    /// </summary>
    public const int MaxCachedGroups = 1024;

    private readonly ConcurrentDictionary<Guid, (DateTimeOffset TunedAt, ISkillModel Model)> _tuned = new();

    /// <summary>Whether any group's model keeps item readings (<see cref="ISkillModel.ReadingVersion"/>): none does with the lexical model alone.</summary>
    public bool KeepReadings => models.Moe is not null || models.Default.ReadingVersion is not null;

    public async Task<ISkillModel> ForGroupAsync(ClawDbContext context, Guid groupId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (models.Moe is null)
        {
            return models.Default;
        }

        var tunedAt = await context.GroupSkillTunings.Where(t => t.GroupId == groupId && t.Head != null).Select(t => (DateTimeOffset?)t.TunedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (tunedAt is not { } at)
        {
            _tuned.TryRemove(groupId, out _);
            return models.Default;
        }

        if (_tuned.TryGetValue(groupId, out var cached) && cached.TunedAt == at)
        {
            return cached.Model;
        }

        var head = await context.GroupSkillTunings.Where(t => t.GroupId == groupId).Select(t => new { t.TunedAt, t.Head })
            .FirstOrDefaultAsync(cancellationToken);
        if (head?.Head is null)
        {
            return models.Default;
        }

        try
        {
            var model = models.WithHead(TunedHead.FromSafeTensors(head.Head));
            Remember(groupId, head.TunedAt, model);
            return model;
        }
        catch (Exception exception) when (exception is SafeTensorsFormatException or InvalidOperationException)
        {
            // A head tuned on other base weights (the weights were retrained) or damaged: route with the default until the next tuning.
            // Remembered for this tuning, so the pass after this one neither reads it again nor logs again.
            LogUnusableHead(logger, exception, groupId);
            Remember(groupId, head.TunedAt, models.Default);
            return models.Default;
        }
    }

    private void Remember(Guid groupId, DateTimeOffset tunedAt, ISkillModel model)
    {
        if (_tuned.Count >= MaxCachedGroups)
        {
            _tuned.Clear();
        }

        _tuned[groupId] = (tunedAt, model);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The tuned skill head of group {GroupId} cannot be used; its passes use the default model")]
    private static partial void LogUnusableHead(ILogger logger, Exception exception, Guid groupId);
}
