using ClawGroups.Coordinator.Calls;
using MudBlazor;

namespace ClawGroups.Web.Components.Shared;

/// <summary>Shows a coordinator's refusal as a person-readable message, never as an exception.</summary>
public static class FailureMessages
{
    /// <summary>Shows the outcome's failure, if any; returns whether the action succeeded.</summary>
    public static bool ReportFailure<T>(this ISnackbar snackbar, Outcome<T> outcome)
    {
        ArgumentNullException.ThrowIfNull(snackbar);
        if (outcome.Succeeded)
        {
            return true;
        }

        snackbar.Add(Describe(outcome.Failure!), Severity.Warning);
        return false;
    }

    /// <summary>The failure in one sentence: its detail, which the services write for people.</summary>
    public static string Describe(Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return string.IsNullOrWhiteSpace(failure.Detail) ? failure.Title : failure.Detail;
    }
}
