using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClawGroups.Coordinator.Groups;

/// <summary>
/// <c>PATCH /api/v1/groups/{groupId}</c>, a JSON merge patch (RFC 7396): a field left out stays as it is. For the
/// numbers a group may override, <c>null</c> means "use the configured default" again.
/// </summary>
public sealed record UpdateGroupSettingsRequest(
    string? Name = null,
    string? Description = null,
    bool? RequireReview = null,
    Overridable<int>? MaxAttempts = null,
    Overridable<int>? HeartbeatTimeoutSeconds = null,
    Overridable<int>? ProgressTimeoutSeconds = null,
    Overridable<int>? StartGraceSeconds = null,
    Overridable<double>? OverrunFactor = null,
    bool? A2aEnabled = null,
    BudgetsPatch? Budgets = null,
    bool? RequirePlanApproval = null,
    Overridable<int>? MaxPlanItems = null,
    IReadOnlyList<string>? PreferPeopleFor = null,
    IReadOnlyList<string>? PreferAgentsFor = null);

/// <summary>
/// <c>"budgets"</c> in a group's PATCH (docs/API.md, "Budgets"), itself a merge patch: a budget left out stays, <c>null</c> lifts
/// it. Dollars and tokens (input and output together); the month and the day are UTC.
/// </summary>
public sealed record BudgetsPatch(
    Overridable<decimal>? MonthlyUsd = null,
    Overridable<long>? MonthlyTokens = null,
    Overridable<decimal>? PerItemUsd = null,
    Overridable<long>? PerItemTokens = null,
    Overridable<decimal>? PerAgentDailyUsd = null,
    Overridable<long>? PerAgentDailyTokens = null);

/// <summary>A group's budgets as set (null: no limit).</summary>
public sealed record BudgetsView(
    decimal? MonthlyUsd, long? MonthlyTokens, decimal? PerItemUsd, long? PerItemTokens, decimal? PerAgentDailyUsd, long? PerAgentDailyTokens);

/// <summary>A group's own value for a setting, or null for the configured default. In JSON just the number or <c>null</c>.</summary>
[JsonConverter(typeof(OverridableJsonConverterFactory))]
public sealed record Overridable<T>(T? Value)
    where T : struct
{
    public static Overridable<T> Default { get; } = new((T?)null);
}

/// <summary>A group's overrides (null: the default applies) and the configured defaults, for forms and API clients.</summary>
public sealed record GroupSettingsView(
    int? MaxAttempts,
    int? HeartbeatTimeoutSeconds,
    int? ProgressTimeoutSeconds,
    int? StartGraceSeconds,
    double? OverrunFactor,
    GroupSettingDefaults Defaults,
    BudgetsView? Budgets = null,
    bool RequirePlanApproval = false,
    int? MaxPlanItems = null,
    IReadOnlyList<string>? PreferPeopleFor = null,
    IReadOnlyList<string>? PreferAgentsFor = null);

/// <summary>What the coordinator uses where a group sets nothing (the <c>ClawGroups:Coordinator</c> section).</summary>
public sealed record GroupSettingDefaults(
    int MaxAttempts, int HeartbeatTimeoutSeconds, int ProgressTimeoutSeconds, int StartGraceSeconds, double OverrunFactor);

/// <summary>Reads <see cref="Overridable{T}"/> from a bare number or <c>null</c>, so that <c>null</c> is told apart from a missing field.</summary>
public sealed class OverridableJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert)
    {
        ArgumentNullException.ThrowIfNull(typeToConvert);
        return typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Overridable<>);
    }

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(typeToConvert);
        return (JsonConverter)Activator.CreateInstance(typeof(OverridableJsonConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;
    }

    private sealed class OverridableJsonConverter<T> : JsonConverter<Overridable<T>>
        where T : struct
    {
        // Called for JSON null too: a present null is "back to the default", unlike an absent field.
        public override bool HandleNull => true;

        public override Overridable<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => reader.TokenType == JsonTokenType.Null
                ? Overridable<T>.Default
                : new Overridable<T>(JsonSerializer.Deserialize<T>(ref reader, options));

        public override void Write(Utf8JsonWriter writer, Overridable<T> value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            if (value?.Value is { } set)
            {
                JsonSerializer.Serialize(writer, set, options);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
