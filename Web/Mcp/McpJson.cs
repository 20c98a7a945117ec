using System.Text.Json;
using ClawGroups.Coordinator.Calls;
using ModelContextProtocol;

namespace ClawGroups.Web.Mcp;

/// <summary>
/// How tool answers are written: the MCP SDK's own options (they know its protocol types) with the REST API's settings on
/// top, so that structuredContent has exactly the REST answer's fields. The SDK's default leaves null properties out while
/// the output schema it generates lists every property as required, and the TypeScript SDK then rejects the answer: nulls
/// are written as null (JsonIgnoreCondition.Never, which ClawJson sets).
/// </summary>
internal static class McpJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = ClawJson.Configure(new JsonSerializerOptions(McpJsonUtilities.DefaultOptions));
        options.MakeReadOnly();
        return options;
    }
}
