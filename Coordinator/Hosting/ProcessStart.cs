namespace ClawGroups.Coordinator.Hosting;

/// <summary>
/// When this process started serving, by its <see cref="TimeProvider"/>. Heartbeats and progress reports could not
/// arrive while it was down, so nothing is judged silent until one timeout has passed since this moment.
/// </summary>
public sealed record ProcessStart(DateTimeOffset At);
