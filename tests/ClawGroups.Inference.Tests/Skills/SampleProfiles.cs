using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Tests.Skills;

/// <summary>Profiles written the way agents describe themselves, for tests of either skill model.</summary>
internal static class SampleProfiles
{
    public static SkillProfile Frontend { get; } = new("agent-fe", "Pixel", "Web front-end engineer", [
        new SkillEntry("frontend", "Frontend development", "Builds user interfaces for web applications",
            ["react", "css", "html", "ui", "responsive layout"], ["Fix the navbar alignment in Safari"], 0.9),
    ]);

    public static SkillProfile Accounting { get; } = new("agent-acc", "Ledger", "Bookkeeping and accounting", [
        new SkillEntry("accounting", "Accounting", "Bookkeeping, reconciliation and financial reporting",
            ["bookkeeping", "reconciliation", "accounts payable", "ledger"], ["Close the month's books"], 0.8),
    ]);

    public static SkillProfile Polyglot { get; } = new("agent-poly", "Babel", "Writes and translates", [
        new SkillEntry("docs", "Technical writing", "Writes user guides and API reference documentation",
            ["documentation", "guides", "readme"], ["Document the REST endpoints"], 0.7),
        new SkillEntry("translation", "Translation", "Translates product text between languages",
            ["translation", "localization", "i18n"], ["Translate the onboarding emails into German"], 0.7),
    ]);

    public static IReadOnlyList<SkillProfile> All { get; } = [Frontend, Accounting, Polyglot];

    public static WorkItemText Item(string title, params string[] requiredSkills) => new(Guid.NewGuid().ToString("N"), title, string.Empty, requiredSkills);
}
