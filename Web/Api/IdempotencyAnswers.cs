using System.Collections.Concurrent;
using ClawGroups.Data.Database;
using ClawGroups.Data.Idempotency;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Api;

/// <summary>
/// Stores the answers of keyed requests on a database one process has alone (the embedded SQLite default, where the running
/// request's claim is held in memory: <see cref="IdempotencyClaims"/>), many at a time. Each answer took a turn of its own at
/// SQLite's one writer: three of the seven turns an item's life took in the swarm benchmark (its accept, progress report and
/// result each wrote its own change and then its answer), with hundreds of writers queued at the busiest moments
/// (docs/PERFORMANCE.md). Here whoever writes takes every answer waiting by then (flat combining, as the encoder's turns do):
/// answers that arrive while one batch waits for the writer go in the next, in one turn. A request still answers only once
/// its answer is stored, so a repeat that comes after the answer finds it, as before. Each key is added to
/// <paramref name="answeredKeys"/> before it is written, so that a repeat after this request looks it up.
/// </summary>
public sealed class IdempotencyAnswers(IDbContextFactory<ClawDbContext> contexts, AnsweredKeys answeredKeys)
{
    /// <summary>Answers per turn at most, so that one turn never holds the writer long; more wait for the next.</summary>
    public const int MostPerTurn = 256;

    private readonly ConcurrentQueue<Waiting> _waiting = new();
    private readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>Stores <paramref name="answer"/> unless its key has a row already (one left before a restart keeps its answer).</summary>
    public async Task StoreAsync(IdempotencyRecord answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        answeredKeys.Add(answer.CallerId, answer.Key);
        var waiting = new Waiting(answer);
        _waiting.Enqueue(waiting);
        while (!waiting.Stored.Task.IsCompleted)
        {
            // Not cancellable: the request has run, and its answer must be stored or its failure seen.
            await _writing.WaitAsync(CancellationToken.None);
            try
            {
                if (!waiting.Stored.Task.IsCompleted)
                {
                    await WriteWaitingAsync();
                }
            }
            finally
            {
                _writing.Release();
            }
        }

        await waiting.Stored.Task;
    }

    private async Task WriteWaitingAsync()
    {
        var batch = new List<Waiting>();
        while (batch.Count < MostPerTurn && _waiting.TryDequeue(out var next))
        {
            batch.Add(next);
        }

        try
        {
            await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            var answers = batch.Select(waiting => waiting.Answer).ToList();
            if (answers.Count == 1)
            {
                // One statement, no transaction: the writer's turn is held for the statement alone.
                await db.InsertRowsUnlessPresentAsync(answers, CancellationToken.None);
            }
            else
            {
                // On SQLite a few answers fill a statement (RowsInOneStatement): one transaction keeps the batch one turn.
                await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
                await db.InsertRowsUnlessPresentAsync(answers, CancellationToken.None);
                await transaction.CommitAsync(CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            foreach (var waiting in batch)
            {
                waiting.Stored.TrySetException(e);
            }

            return;
        }

        foreach (var waiting in batch)
        {
            waiting.Stored.TrySetResult();
        }
    }

    private sealed record Waiting(IdempotencyRecord Answer)
    {
        public TaskCompletionSource Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
