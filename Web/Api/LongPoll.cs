namespace ClawGroups.Web.Api;

/// <summary>
/// Endpoint metadata: the endpoint waits by design for as many seconds as its <c>waitSeconds</c> asks, so it takes no turn
/// of the API's admission bound while it does (<see cref="ApiAdmission"/>).
/// </summary>
internal sealed class LongPoll
{
    public const string WaitParameter = "waitSeconds";
}
