using System.Text.Json;
using System.Text.Json.Nodes;
using ClawGroups.Coordinator.A2a.Protocol;

namespace ClawGroups.Coordinator.Tests.A2a.Protocol;

/// <summary>Reads JSON as a wire type, writes it back and says whether the JSON is the same (field order aside).</summary>
internal static class WireRoundTrip
{
    public static T Read<T>(string json) => A2aJson.Deserialize<T>(json) ?? throw new InvalidOperationException("The JSON read as null.");

    public static void AssertSame<T>(string json)
    {
        var written = A2aJson.Serialize(Read<T>(json));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(written)), $"Expected {json}{Environment.NewLine}but wrote {written}");
    }

    public static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
