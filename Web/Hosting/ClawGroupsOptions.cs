using System.ComponentModel.DataAnnotations;

namespace ClawGroups.Web.Hosting;

/// <summary>The <c>ClawGroups</c> configuration section (environment <c>ClawGroups__…</c>).</summary>
public sealed class ClawGroupsOptions : IValidatableObject
{
    public const string SectionName = "ClawGroups";

    public const int MinimumBootstrapTokenLength = 16;

    /// <summary>
    /// When set, accepted as the bearer token of a built-in owner account: first set-up and automation before
    /// anyone has signed up. Empty turns it off. Long enough to resist guessing; never logged.
    /// </summary>
    public string? BootstrapToken { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(BootstrapToken) && BootstrapToken.Length < MinimumBootstrapTokenLength)
        {
            yield return new ValidationResult(
                $"ClawGroups:BootstrapToken must be at least {MinimumBootstrapTokenLength} characters long (or empty to turn it off).",
                [nameof(BootstrapToken)]);
        }
    }
}
