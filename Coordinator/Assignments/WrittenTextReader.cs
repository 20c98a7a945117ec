using System.Threading.Channels;
using ClawGroups.Coordinator.Learning;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Inference.Skills;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClawGroups.Coordinator.Assignments;

/// <summary>
/// Reads the items whose text was just written (created, reworded), in batches, shortly after the commit that wrote them,
/// and keeps the readings with them (<see cref="ItemReadings"/>). A request used to read its own item: alone, a text costs a
/// whole forward pass (~5.5 ms on two cores), where four read together cost ~2 ms each and a batch of 64 ~1.2 ms (`bench`,
/// "moe read a batch of"); a steady feed of new items arrives ~30 ms apart, so no two requests ever shared a pass, and the
/// reads were a quarter of the feed's CPU (decision 0041; docs/PERFORMANCE.md, "Items read together, after the request").
/// So the texts written within <see cref="Gather"/> of each other are read together, off the requests.
/// </summary>
/// <remarks>
/// A hint, as every signal is: an item this node does not read (it stopped, the read failed) is read by the first pass that
/// finds it unread, in one batch with the other unread items. A pass that comes before the reader reads the item itself,
/// and the reader then finds it read.
/// </remarks>
public sealed partial class WrittenTextReader(IServiceScopeFactory scopes, ILogger<WrittenTextReader> logger) : BackgroundService
{
    /// <summary>
    /// How long the reader waits after a first written text for others to read with it: a fifth of a pass's window
    /// (<c>HangfireWorkSignals.PassDebounce</c>), so that most items are read before the pass that offers them.
    /// </summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(50);

    /// <summary>Items read at most in one round; the encoder splits larger reads into its own batches anyway.</summary>
    public const int MaxBatch = 512;

    private readonly Channel<Guid> _written = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>The items' text was written and committed: read it soon.</summary>
    public void Written(IEnumerable<Guid> workItemIds)
    {
        ArgumentNullException.ThrowIfNull(workItemIds);
        foreach (var id in workItemIds)
        {
            _written.Writer.TryWrite(id);
        }
    }

    /// <summary>
    /// Reads the items among <paramref name="workItemIds"/> that no model of their group's served version has read, one batch
    /// a model, and keeps the readings. Returns how many it read.
    /// </summary>
    public async Task<int> ReadAsync(IReadOnlyCollection<Guid> workItemIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItemIds);
        await using var scope = scopes.CreateAsyncScope();
        var models = scope.ServiceProvider.GetRequiredService<GroupSkillModels>();
        if (!models.KeepReadings || workItemIds.Count == 0)
        {
            return 0;
        }

        var context = scope.ServiceProvider.GetRequiredService<ClawDbContext>();
        var items = await context.WorkItems.AsNoTracking().Where(w => workItemIds.Contains(w.Id)).ToListAsync(cancellationToken);
        // Models of one reading version read alike (a group's tuned head changes its scores, not its readings), so one batch
        // serves every group whose model reads that way.
        var byVersion = new Dictionary<string, (ISkillModel Model, List<WorkItem> Items)>(StringComparer.Ordinal);
        foreach (var group in items.GroupBy(w => w.GroupId))
        {
            var model = await models.ForGroupAsync(context, group.Key, cancellationToken);
            if (model.ReadingVersion is not { } version)
            {
                continue;
            }

            if (!byVersion.TryGetValue(version, out var ofVersion))
            {
                byVersion[version] = ofVersion = (model, []);
            }

            ofVersion.Items.AddRange(group);
        }

        var read = 0;
        foreach (var (model, ofVersion) in byVersion.Values)
        {
            read += await ItemReadings.ReadMissingAsync(context, model, ofVersion, cancellationToken);
        }

        return read;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _written.Reader;
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            await Task.Delay(Gather, stoppingToken);
            var ids = new HashSet<Guid>();
            while (ids.Count < MaxBatch && reader.TryRead(out var id))
            {
                ids.Add(id);
            }

            try
            {
                LogRead(logger, await ReadAsync(ids, stoppingToken), ids.Count);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The items stay unread, and the first pass that finds them reads them.
                LogReadFailed(logger, exception, ids.Count);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Read {Read} of {Written} items whose text was written")]
    private static partial void LogRead(ILogger logger, int read, int written);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read {Count} items whose text was written; the next pass over them reads them")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, int count);
}
