using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClawGroups.AgentSimulator.Api;

/// <summary>The JSON shape of the contract: camelCase, nulls left out of requests.</summary>
public static class ClawJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
