namespace ClawGroups.AgentSimulator.Agents;

public sealed record ReceivedMessage(string WorkItemId, string Text, string? From);

public sealed record Revocation(string WorkItemId, string? Reason);

public sealed record Rejection(string WorkItemId, string? Feedback);

public sealed record ReportedProgress(string WorkItemId, double Fraction, string Message);

/// <summary>A call the server refused that the agent could not act on (e.g. 409 on a late result), or a transport failure.</summary>
public sealed record AgentError(string WorkItemId, string Action, Exception Exception);

/// <summary>What a simulated agent has seen and done, safe to read from any thread; each list a snapshot.</summary>
public sealed class AgentObservations
{
    private readonly Lock _lock = new();
    private readonly StateSignal _signal;
    private readonly List<string> _offered = [];
    private readonly List<string> _accepted = [];
    private readonly List<string> _declined = [];
    private readonly List<string> _completed = [];
    private readonly List<string> _planned = [];
    private readonly List<string> _paused = [];
    private readonly List<string> _resumed = [];
    private readonly List<ReceivedMessage> _messages = [];
    private readonly List<Revocation> _revocations = [];
    private readonly List<Rejection> _rejections = [];
    private readonly List<ReportedProgress> _progress = [];
    private readonly List<string> _lateResults = [];
    private readonly List<AgentError> _errors = [];
    private int _heartbeats;

    internal AgentObservations(StateSignal signal) => _signal = signal;

    /// <summary>Work item ids offered (webhook <c>work.assigned</c> or a pull), in order, repeats included.</summary>
    public IReadOnlyList<string> Offered => Snapshot(_offered);
    public IReadOnlyList<string> Accepted => Snapshot(_accepted);
    public IReadOnlyList<string> Declined => Snapshot(_declined);

    /// <summary>Items whose result the server took (2xx).</summary>
    public IReadOnlyList<string> Completed => Snapshot(_completed);

    /// <summary>Goals this agent answered with a plan.</summary>
    public IReadOnlyList<string> Planned => Snapshot(_planned);
    public IReadOnlyList<string> Paused => Snapshot(_paused);
    public IReadOnlyList<string> Resumed => Snapshot(_resumed);
    public IReadOnlyList<ReceivedMessage> Messages => Snapshot(_messages);
    public IReadOnlyList<Revocation> Revocations => Snapshot(_revocations);
    public IReadOnlyList<Rejection> Rejections => Snapshot(_rejections);
    public IReadOnlyList<ReportedProgress> Progress => Snapshot(_progress);

    /// <summary>Items whose result the server answered with 409 (the lease was gone).</summary>
    public IReadOnlyList<string> LateResults => Snapshot(_lateResults);
    public IReadOnlyList<AgentError> Errors => Snapshot(_errors);
    public int Heartbeats => Volatile.Read(ref _heartbeats);

    internal void Offer(string id) => Add(_offered, id);
    internal void Accept(string id) => Add(_accepted, id);
    internal void Decline(string id) => Add(_declined, id);
    internal void Complete(string id) => Add(_completed, id);

    internal void Plan(string id) => Add(_planned, id);
    internal void Pause(string id) => Add(_paused, id);
    internal void Resume(string id) => Add(_resumed, id);
    internal void Message(ReceivedMessage message) => Add(_messages, message);
    internal void Revoke(Revocation revocation) => Add(_revocations, revocation);
    internal void Reject(Rejection rejection) => Add(_rejections, rejection);
    internal void ReportProgress(ReportedProgress progress) => Add(_progress, progress);
    internal void LateResult(string id) => Add(_lateResults, id);
    internal void Error(AgentError error) => Add(_errors, error);

    internal void Heartbeat()
    {
        Interlocked.Increment(ref _heartbeats);
        _signal.Pulse();
    }

    private void Add<T>(List<T> list, T item)
    {
        lock (_lock)
            list.Add(item);
        _signal.Pulse();
    }

    private IReadOnlyList<T> Snapshot<T>(List<T> list)
    {
        lock (_lock)
            return [.. list];
    }
}
