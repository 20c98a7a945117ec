using Hangfire;
using Hangfire.Common;
using Hangfire.States;

namespace ClawGroups.Coordinator.Tests.Jobs;

/// <summary>Hangfire's client as the jobs see it, recording each job created (enqueued or scheduled) instead of storing it.</summary>
internal sealed class RecordingJobs : IBackgroundJobClient
{
    public List<(Job Job, IState State)> Created { get; } = [];

    public string Create(Job job, IState state)
    {
        Created.Add((job, state));
        return Created.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool ChangeState(string jobId, IState state, string expectedState) => true;
}
