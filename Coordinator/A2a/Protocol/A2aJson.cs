using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>
/// The JSON of A2A v1.0 as its official SDKs write it (the ProtoJSON mapping of the spec's proto): camelCase names,
/// enums as the proto's names (<c>TASK_STATE_WORKING</c>), and fields that are not set left out rather than written
/// as null — the SDKs treat a present null differently from an absent field in places.
/// </summary>
public static class A2aJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options);

    public static T? Deserialize<T>(JsonElement json) => json.Deserialize<T>(Options);
}
