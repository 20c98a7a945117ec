using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using ClawGroups.Coordinator.Hosting;
using ClawGroups.Coordinator.UsageTotals;
using ClawGroups.Data.Agents;
using ClawGroups.Data.Groups;

namespace ClawGroups.Coordinator.Groups;

/// <summary>
/// What a group's settings may be. The limits of the overridable numbers are those of <see cref="CoordinatorOptions"/>,
/// read from its <see cref="RangeAttribute"/>s, so a group can never be set to a value the configuration would refuse.
/// </summary>
public static class GroupSettingsRules
{
    public static RangeAttribute MaxAttemptsRange { get; } = RangeOf(nameof(CoordinatorOptions.MaxAttempts));

    public static RangeAttribute HeartbeatTimeoutRange { get; } = RangeOf(nameof(CoordinatorOptions.HeartbeatTimeoutSeconds));

    public static RangeAttribute ProgressTimeoutRange { get; } = RangeOf(nameof(CoordinatorOptions.ProgressTimeoutSeconds));

    public static RangeAttribute StartGraceRange { get; } = RangeOf(nameof(CoordinatorOptions.StartGraceSeconds));

    public static RangeAttribute OverrunFactorRange { get; } = RangeOf(nameof(CoordinatorOptions.OverrunFactor));

    /// <summary>Every problem of the request, by camelCase field name; empty when it may be applied.</summary>
    public static Dictionary<string, string[]> Validate(UpdateGroupSettingsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        if (request.Name is { } name && (name.Trim().Length == 0 || name.Trim().Length > GroupLimits.MaxNameLength))
        {
            errors["name"] = [$"name is required and at most {GroupLimits.MaxNameLength} characters long."];
        }

        if (request.Description is { Length: > GroupLimits.MaxDescriptionLength })
        {
            errors["description"] = [$"description is at most {GroupLimits.MaxDescriptionLength} characters long."];
        }

        Check(errors, "maxAttempts", request.MaxAttempts?.Value, MaxAttemptsRange, "attempts");
        Check(errors, "heartbeatTimeoutSeconds", request.HeartbeatTimeoutSeconds?.Value, HeartbeatTimeoutRange, "seconds");
        Check(errors, "progressTimeoutSeconds", request.ProgressTimeoutSeconds?.Value, ProgressTimeoutRange, "seconds");
        Check(errors, "startGraceSeconds", request.StartGraceSeconds?.Value, StartGraceRange, "seconds");
        if (request.MaxPlanItems?.Value is { } maxPlanItems && maxPlanItems is < 1 or > GroupLimits.MaxPlanItemsLimit)
        {
            errors["maxPlanItems"] = [$"maxPlanItems must be between 1 and {GroupLimits.MaxPlanItemsLimit} items, or null for the default ({GroupLimits.DefaultMaxPlanItems})."];
        }

        var factor = request.OverrunFactor?.Value;
        if (factor is { } f && (!double.IsFinite(f) || !OverrunFactorRange.IsValid(f)))
        {
            errors["overrunFactor"] = [$"overrunFactor must be between {Format(OverrunFactorRange.Minimum)} and {Format(OverrunFactorRange.Maximum)}, or null for the default."];
        }

        CheckPreference(errors, "preferPeopleFor", request.PreferPeopleFor);
        CheckPreference(errors, "preferAgentsFor", request.PreferAgentsFor);
        CheckBudgets(errors, request.Budgets);
        return errors;
    }

    /// <summary>Applies a valid request; returns the camelCase names of the fields whose value changed.</summary>
    public static List<string> Apply(Group group, UpdateGroupSettingsRequest request)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(request);
        var changed = new List<string>();
        Set(changed, "name", group.Name, request.Name?.Trim(), v => group.Name = v!);
        Set(changed, "description", group.Description, request.Description?.Trim(), v => group.Description = v!);
        if (request.RequireReview is { } review && review != group.RequireReview)
        {
            group.RequireReview = review;
            changed.Add("requireReview");
        }

        if (request.A2aEnabled is { } a2a && a2a != group.A2aEnabled)
        {
            group.A2aEnabled = a2a;
            changed.Add("a2aEnabled");
        }

        SetOverride(changed, "maxAttempts", group.MaxAttempts, request.MaxAttempts, v => group.MaxAttempts = v);
        if (request.RequirePlanApproval is { } planApproval && planApproval != group.RequirePlanApproval)
        {
            group.RequirePlanApproval = planApproval;
            changed.Add("requirePlanApproval");
        }

        SetOverride(changed, "maxPlanItems", group.MaxPlanItems, request.MaxPlanItems, v => group.MaxPlanItems = v);
        SetPreference(changed, "preferPeopleFor", group.PreferPeopleFor, request.PreferPeopleFor, v => group.PreferPeopleFor = v);
        SetPreference(changed, "preferAgentsFor", group.PreferAgentsFor, request.PreferAgentsFor, v => group.PreferAgentsFor = v);
        var thresholds = group.Thresholds;
        SetOverride(changed, "heartbeatTimeoutSeconds", thresholds.HeartbeatTimeoutSeconds, request.HeartbeatTimeoutSeconds, v => thresholds.HeartbeatTimeoutSeconds = v);
        SetOverride(changed, "progressTimeoutSeconds", thresholds.ProgressTimeoutSeconds, request.ProgressTimeoutSeconds, v => thresholds.ProgressTimeoutSeconds = v);
        SetOverride(changed, "startGraceSeconds", thresholds.StartGraceSeconds, request.StartGraceSeconds, v => thresholds.StartGraceSeconds = v);
        SetOverride(changed, "overrunFactor", thresholds.OverrunFactor, request.OverrunFactor, v => thresholds.OverrunFactor = v);
        if (request.Budgets is { } budgets)
        {
            var set = group.Budgets;
            SetOverride(changed, "budgets.monthlyUsd", set.MonthlyUsd, budgets.MonthlyUsd, v => set.MonthlyUsd = v);
            SetOverride(changed, "budgets.monthlyTokens", set.MonthlyTokens, budgets.MonthlyTokens, v => set.MonthlyTokens = v);
            SetOverride(changed, "budgets.perItemUsd", set.PerItemUsd, budgets.PerItemUsd, v => set.PerItemUsd = v);
            SetOverride(changed, "budgets.perItemTokens", set.PerItemTokens, budgets.PerItemTokens, v => set.PerItemTokens = v);
            SetOverride(changed, "budgets.perAgentDailyUsd", set.PerAgentDailyUsd, budgets.PerAgentDailyUsd, v => set.PerAgentDailyUsd = v);
            SetOverride(changed, "budgets.perAgentDailyTokens", set.PerAgentDailyTokens, budgets.PerAgentDailyTokens, v => set.PerAgentDailyTokens = v);
        }

        return changed;
    }

    /// <summary>A routing preference names skills as a work item's requiredSkills do: at most 50, each a non-empty skill id or tag.</summary>
    private static void CheckPreference(Dictionary<string, string[]> errors, string field, IReadOnlyList<string>? skills)
    {
        if (skills is null)
        {
            return;
        }

        if (skills.Count > GroupLimits.MaxRoutingPreferences)
        {
            errors[field] = [$"{field} lists at most {GroupLimits.MaxRoutingPreferences} skill ids or tags."];
            return;
        }

        for (var i = 0; i < skills.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(skills[i]) || skills[i].Trim().Length > AgentLimits.MaxSkillIdLength)
            {
                errors[$"{field}[{i}]"] = [$"{field}[{i}] must be a skill id or tag of 1 to {AgentLimits.MaxSkillIdLength} characters."];
            }
        }
    }

    /// <summary>A preference as given, trimmed and without repeats (skills match whatever their case); an empty list clears it.</summary>
    private static void SetPreference(List<string> changed, string field, List<string> current, IReadOnlyList<string>? given, Action<List<string>> set)
    {
        if (given is null)
        {
            return;
        }

        var tidied = given.Select(s => s.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (!tidied.SequenceEqual(current, StringComparer.Ordinal))
        {
            set(tidied);
            changed.Add(field);
        }
    }

    /// <summary>Budgets are amounts a report could reach: from 0 (nothing may be spent) to what one report may claim.</summary>
    private static void CheckBudgets(Dictionary<string, string[]> errors, BudgetsPatch? budgets)
    {
        if (budgets is null)
        {
            return;
        }

        foreach (var (field, usd) in new[] { ("monthlyUsd", budgets.MonthlyUsd), ("perItemUsd", budgets.PerItemUsd), ("perAgentDailyUsd", budgets.PerAgentDailyUsd) })
        {
            if (usd?.Value is { } v && v is < 0 or > UsageLimits.MaxCostUsd)
            {
                errors[$"budgets.{field}"] = [$"budgets.{field} must be from 0 to {UsageLimits.MaxCostUsd} US dollars, or null for no limit."];
            }
        }

        foreach (var (field, tokens) in new[] { ("monthlyTokens", budgets.MonthlyTokens), ("perItemTokens", budgets.PerItemTokens), ("perAgentDailyTokens", budgets.PerAgentDailyTokens) })
        {
            if (tokens?.Value is { } v && v is < 0 or > UsageLimits.MaxTokens)
            {
                errors[$"budgets.{field}"] = [$"budgets.{field} must be from 0 to {UsageLimits.MaxTokens} tokens, or null for no limit."];
            }
        }
    }

    private static void Check(Dictionary<string, string[]> errors, string field, int? value, RangeAttribute range, string unit)
    {
        if (value is { } v && !range.IsValid(v))
        {
            errors[field] = [$"{field} must be between {Format(range.Minimum)} and {Format(range.Maximum)} {unit}, or null for the default."];
        }
    }

    private static void Set(List<string> changed, string field, string current, string? requested, Action<string?> set)
    {
        if (requested is not null && !string.Equals(current, requested, StringComparison.Ordinal))
        {
            set(requested);
            changed.Add(field);
        }
    }

    private static void SetOverride<T>(List<string> changed, string field, T? current, Overridable<T>? requested, Action<T?> set)
        where T : struct
    {
        if (requested is not null && !Nullable.Equals(current, requested.Value))
        {
            set(requested.Value);
            changed.Add(field);
        }
    }

    private static string Format(object bound) => Convert.ToString(bound, CultureInfo.InvariantCulture) ?? "";

    private static RangeAttribute RangeOf(string property)
        => typeof(CoordinatorOptions).GetProperty(property)!.GetCustomAttribute<RangeAttribute>()
           ?? throw new InvalidOperationException($"CoordinatorOptions.{property} has no [Range].");
}
