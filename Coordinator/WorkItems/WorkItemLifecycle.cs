using ClawGroups.Coordinator.Calls;
using ClawGroups.Coordinator.Signals;
using ClawGroups.Coordinator.Trail;
using ClawGroups.Coordinator.Webhooks;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Database;
using ClawGroups.Data.WorkItems;
using ClawGroups.Coordinator.Breakers;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClawGroups.Coordinator.WorkItems;

/// <summary>
/// The side effects that belong to moves, in one place: attempts opened and closed, agents told (outbox),
/// the trail written, jobs signalled. Callers decide and validate; this records. Nothing here saves: the
/// caller's <c>SaveChangesAsync</c> commits the move, its messages and its events together.
/// </summary>
public sealed class WorkItemLifecycle(
    ClawDbContext context, TimeProvider time, IWorkSignals signals, IOptionsMonitor<CoordinatorOptions>? options = null)
{
    private readonly List<Guid> _dueMessages = [];
    private readonly HashSet<Guid> _agentsWithNews = [];
    private readonly HashSet<Guid> _groupsToAssign = [];
    private readonly HashSet<Guid> _textsWritten = [];

    public DateTimeOffset Now { get; private set; } = time.GetUtcNow();

    /// <summary>Starts a new attempt by an agent: the item is offered and the agent told.</summary>
    public Assignment OfferToAgent(WorkItem item, Agent agent, double score, string reason, Caller actor, WorkItemMove move = WorkItemMove.Assign)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(agent);
        var assignment = OpenAttempt(item, MemberKind.Agent, agent.Id, score, reason, chosenByPerson: actor.IsHuman);
        item.AssigneeKind = MemberKind.Agent;
        item.AssigneeAgentId = agent.Id;
        item.AssigneeUserId = null;
        Require(WorkItemStateMachine.Apply(item, move, Now));
        context.AddTrailEvent(item.GroupId, actor, TrailEventTypes.Assigned, Now,
            new { memberKind = MemberKinds.Agent, memberId = agent.Id, memberName = agent.Name, score, reason, attempt = assignment.Attempt }, item.Id, agent.Id);
        return assignment;
    }

    /// <summary>
    /// Offers the item to a person (decision 0029): an attempt in <c>assigned</c> with a human assignee, which the person accepts
    /// or declines as an agent does. Their workspace learns of it from the item's change; no message goes out.
    /// </summary>
    public Assignment OfferToPerson(WorkItem item, Guid userId, string name, double score, string reason, Caller actor)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(actor);
        var assignment = OpenAttempt(item, MemberKind.Human, userId, score, reason, chosenByPerson: actor.IsHuman);
        item.AssigneeKind = MemberKind.Human;
        item.AssigneeUserId = userId;
        item.AssigneeAgentId = null;
        Require(WorkItemStateMachine.Apply(item, WorkItemMove.Assign, Now));
        context.AddTrailEvent(item.GroupId, actor, TrailEventTypes.Assigned, Now,
            new { memberKind = MemberKinds.Human, memberId = userId, memberName = name, score, reason, attempt = assignment.Attempt }, item.Id);
        return assignment;
    }

    /// <summary>
    /// Asks an agent to review the result in review: a review attempt beside the author's, for the same attempt number;
    /// the item stays in review until a review decides.
    /// </summary>
    public Assignment OfferReview(WorkItem item, Agent reviewer, double score, string reason)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(reviewer);
        var assignment = AddAssignment(item, MemberKind.Agent, reviewer.Id, AssignmentRole.Review, score, reason, item.Attempts);
        // Writing the item makes its version part of the check: two passes cannot both add a reviewer.
        item.UpdatedAt = Now;
        context.AddTrailEvent(item.GroupId, Caller.Coordinator, TrailEventTypes.ReviewAssigned, Now,
            new { reviewerId = reviewer.Id, reviewerName = reviewer.Name, score, reason }, item.Id, reviewer.Id);
        return assignment;
    }

    /// <summary>
    /// Whether an offer to <paramref name="agent"/> goes out as a message, which carries the item's whole view. A pull
    /// agent's offers are what its next pull returns: it only needs waking, and nobody reads a view made for it.
    /// </summary>
    public static bool OfferIsTold(Agent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return agent.Delivery != DeliveryMode.Pull;
    }

    /// <summary>
    /// Sends an offer to its agent, once the item's view is final: a message with the view (<paramref name="view"/> is made
    /// only then, <see cref="OfferIsTold"/>), or a pull agent woken.
    /// </summary>
    public void AnnounceOffer(Agent agent, Func<WorkItemView> view)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(view);
        if (!OfferIsTold(agent))
        {
            _agentsWithNews.Add(agent.Id);
            return;
        }

        var told = view();
        Tell(agent, AgentMessageTypes.Assigned, told, told.Id);
    }

    /// <summary>
    /// Gives the item to a human, who works on it at once. Taking over <paramref name="takenOver"/>, a run in flight (an
    /// accepted attempt just ended), continues that attempt: its number and its progress go on with the person.
    /// </summary>
    public Assignment GiveToHuman(WorkItem item, Caller human, string reason, WorkItemMove move, Assignment? takenOver = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(human);
        Assignment assignment;
        if (takenOver is { AcceptedAt: not null, Role: AssignmentRole.Work })
        {
            assignment = AddAssignment(item, MemberKind.Human, human.Id, AssignmentRole.Work, score: 1, reason, takenOver.Attempt);
            item.CurrentAssignmentId = assignment.Id;
        }
        else
        {
            assignment = OpenAttempt(item, MemberKind.Human, human.Id, score: 1, reason, chosenByPerson: true);
        }

        AttemptRule.Started(item, assignment);
        assignment.AcceptedAt = Now;
        assignment.LastProgressAt = Now;
        item.AssigneeKind = MemberKind.Human;
        item.AssigneeUserId = human.Id;
        item.AssigneeAgentId = null;
        Require(WorkItemStateMachine.Apply(item, move, Now));
        return assignment;
    }

    /// <summary>Closes the open attempt, if any, with how it ended; tells its agent why it lost the item when a reason is given.</summary>
    public async Task<Assignment?> EndAttemptAsync(
        WorkItem item, AssignmentOutcome outcome, CancellationToken cancellationToken, string? revokeReason = null, StallReason? stallReason = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        var open = item.Assignments.FirstOrDefault(a => a.Id == item.CurrentAssignmentId && a.EndedAt is null);
        if (open is not null)
        {
            open.Outcome = outcome;
            open.EndedAt = Now;
            open.StallReason = stallReason ?? open.StallReason;
            if (revokeReason is not null && open.AgentId is { } agentId
                && await context.Agents.FindAsync([agentId], cancellationToken) is { } agent)
            {
                Tell(agent, AgentMessageTypes.Revoked, new { workItemId = item.Id, reason = revokeReason }, item.Id);
            }

            // How the attempt ended may trip or close its agent's failure breaker.
            await FailureStreak.RecordAsync(context, open, Breakers, Now, cancellationToken);
        }

        foreach (var review in item.Assignments.Where(a => a.Role == AssignmentRole.Review && a.EndedAt is null))
        {
            // The item leaves review (cancelled, taken back): an open review has nothing left to decide.
            (review.Outcome, review.EndedAt) = (AssignmentOutcome.Cancelled, Now);
        }

        item.CurrentAssignmentId = null;
        item.AssigneeKind = null;
        item.AssigneeAgentId = null;
        item.AssigneeUserId = null;
        item.PausedAt = null;
        (item.QuestionAskedAt, item.Question) = (null, null);
        item.PausedReason = null;
        _groupsToAssign.Add(item.GroupId);
        return open;
    }

    /// <summary>Queues a message to an agent (webhook or pull), committed with the caller's changes.</summary>
    public void Tell(Agent agent, string type, object data, Guid? workItemId)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var message = context.AddAgentMessage(agent, type, data, Now, workItemId);
        if (message.DueAt is not null)
        {
            _dueMessages.Add(message.Id);
        }

        _agentsWithNews.Add(agent.Id);
    }

    /// <summary>The breakers' settings; their defaults where the lifecycle was made without options (tests).</summary>
    public BreakerOptions Breakers => options?.CurrentValue.Breakers ?? DefaultBreakers;

    private static readonly BreakerOptions DefaultBreakers = new();

    public void AssignmentNeeded(Guid groupId) => _groupsToAssign.Add(groupId);

    /// <summary>
    /// The item's text was created or reworded: its old reading goes now, and the new text is read after the commit, with
    /// the others written about then (<see cref="Assignments.WrittenTextReader"/>).
    /// </summary>
    public void TextWritten(WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        Assignments.ItemReadings.Forget(item);
        _textsWritten.Add(item.Id);
    }

    /// <summary>Commits the unit of work, then signals the jobs that should react to it.</summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Goals.SubItemEscalation.NoteWaitingAsync(context, Now, cancellationToken);
            // On SQLite by statements kept per shape of change where it can (an agent's calls); EF's save otherwise.
            if (!(context.Database.IsSqlite() && await ShapedSave.TrySaveAsync(context, cancellationToken)))
            {
                await context.SaveChangesAsync(cancellationToken);
            }
        }
        catch
        {
            // Nothing was committed, so nothing is announced; a retry starts from a clean slate.
            Reset();
            throw;
        }

        Signal();
    }

    /// <summary>
    /// Commits the unit of work together with what <paramref name="writeBeside"/> writes past the change tracker (set-based),
    /// in one transaction, then signals the jobs, once the commit has made it all visible; the unit's trail events go in one
    /// statement too (<see cref="TrailRows"/>). For units of thousands of rows, such as a cold assignment pass. When
    /// <paramref name="writeBeside"/> returns false (what it meant to write changed under it), nothing is committed and false
    /// is returned; the context's tracked entities are then no guide to the database, and the caller starts again with a new one.
    /// </summary>
    public async Task<bool> SaveWithAsync(Func<CancellationToken, Task<bool>> writeBeside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writeBeside);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        bool written;
        try
        {
            await Goals.SubItemEscalation.NoteWaitingAsync(context, Now, cancellationToken);
            written = await writeBeside(cancellationToken);
            if (written)
            {
                await TrailRows.InsertTrackedAsync(context, cancellationToken);
                await context.SaveChangesAsync(cancellationToken);
            }
        }
        catch
        {
            // Rolled back here, not left to disposal: what the live capture held for the commit is dropped at once
            // (LiveChangeCommitWatch). Nothing was committed, so nothing is signalled.
            await transaction.RollbackAsync(CancellationToken.None);
            Reset();
            throw;
        }

        if (!written)
        {
            await transaction.RollbackAsync(cancellationToken);
            Reset();
            return false;
        }

        try
        {
            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            Reset();
            throw;
        }

        Signal();
        return true;
    }

    private void Signal()
    {
        if (_dueMessages.Count > 0)
        {
            signals.MessagesDue(_dueMessages.ToList());
        }

        foreach (var agentId in _agentsWithNews)
        {
            signals.AgentHasNews(agentId);
        }

        if (_textsWritten.Count > 0)
        {
            signals.TextWritten(_textsWritten.ToList());
        }

        foreach (var groupId in _groupsToAssign)
        {
            signals.AssignmentNeeded(groupId);
        }

        Reset();
    }

    /// <summary>Forgets pending announcements and takes a fresh time, for a retried unit of work.</summary>
    public void Reset()
    {
        _dueMessages.Clear();
        _agentsWithNews.Clear();
        _groupsToAssign.Clear();
        _textsWritten.Clear();
        Now = time.GetUtcNow();
    }

    /// <summary>
    /// The items in the backlog that wait on <c>done</c> and on nothing else not done, tracked: read on every result, so
    /// compiled once rather than built, walked and looked up from its expression tree each time (with the captured id, the
    /// closure's fields read by reflection too: ~0.6 % of the swarm server's CPU samples, docs/PERFORMANCE.md).
    /// </summary>
    private static readonly ModelCompiledQuery<Func<ClawDbContext, Guid, IAsyncEnumerable<WorkItem>>> ReadyOnceDone = new(() => EF.CompileAsyncQuery(
        (ClawDbContext context, Guid doneId) => context.WorkItems
            .Where(w => w.State == WorkItemState.Backlog && w.DependsOn.Any(d => d.DependsOnId == doneId))
            .Where(w => w.DependsOn.All(d => d.DependsOnId == doneId || d.DependsOn!.State == WorkItemState.Done))));

    /// <summary>
    /// Items that depended on <paramref name="done"/> and now have every dependency done become ready; every move that
    /// finishes an item calls this, so it is also where a goal learns that a sub-item is done.
    /// </summary>
    public async Task UnblockDependentsAsync(WorkItem done, Caller actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(done);
        var dependents = new List<WorkItem>();
        await foreach (var dependent in ReadyOnceDone.For(context)(context, done.Id).WithCancellation(cancellationToken))
        {
            dependents.Add(dependent);
        }

        foreach (var dependent in dependents)
        {
            Require(WorkItemStateMachine.Apply(dependent, WorkItemMove.Unblock, Now));
            context.AddTrailEvent(dependent.GroupId, actor, TrailEventTypes.Ready, Now, new { unblockedBy = done.Id }, dependent.Id);
            _groupsToAssign.Add(dependent.GroupId);
        }

        // The goal above it may be complete now: consolidated, or given its consolidated result.
        await Goals.GoalProgress.ItemDoneAsync(context, this, done, actor, cancellationToken);
    }

    /// <summary>
    /// Opens the item's next attempt. Progress belongs to an attempt: the new holder starts clean, and what earlier holders
    /// reported stays in the trail. Counting is <see cref="AttemptRule"/>'s. (A takeover of a run in flight is no new attempt.)
    /// </summary>
    private Assignment OpenAttempt(WorkItem item, MemberKind kind, Guid memberId, double score, string reason, bool chosenByPerson)
    {
        var assignment = AddAssignment(item, kind, memberId, AssignmentRole.Work, score, reason, AttemptRule.NumberOfNext(item, chosenByPerson));
        item.CurrentAssignmentId = assignment.Id;
        item.ProgressFraction = 0;
        item.ProgressMessage = null;
        item.ProgressAt = null;
        return assignment;
    }

    /// <summary>An active assignment with the given attempt number, offered now.</summary>
    private Assignment AddAssignment(WorkItem item, MemberKind kind, Guid memberId, AssignmentRole role, double score, string reason, int attempt)
    {
        var assignment = new Assignment
        {
            Id = Guid.CreateVersion7(Now),
            WorkItemId = item.Id,
            GroupId = item.GroupId,
            MemberKind = kind,
            AgentId = kind == MemberKind.Agent ? memberId : null,
            UserId = kind == MemberKind.Human ? memberId : null,
            Attempt = attempt,
            Role = role,
            Score = score,
            Reason = reason,
            OfferedAt = Now,
            Outcome = AssignmentOutcome.Active,
        };
        item.Assignments.Add(assignment);
        context.Assignments.Add(assignment);
        return assignment;
    }

    private static void Require(Outcome<WorkItemState> outcome)
    {
        if (!outcome.Succeeded)
        {
            // Callers check the move first; reaching this is a bug, not a user error.
            throw new InvalidOperationException(outcome.Failure!.Detail);
        }
    }
}
