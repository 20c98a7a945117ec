using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClawGroups.Web.Tests.Api.Fuzzing;

/// <summary>
/// A valid request body and the paths of its leaves (<c>usage.costUsd</c>, <c>artifacts[0].name</c>), from which a
/// fuzzed body is written: one leaf replaced by raw JSON (a number no .NET type holds included), removed, or joined by
/// an unknown field.
/// </summary>
internal sealed class BodyTemplate(JsonObject valid)
{
    private const string Placeholder = "@@fuzz@@";

    /// <summary>Every leaf's path, with whether the valid value is a number or a string.</summary>
    public IReadOnlyList<(string Path, JsonValueKind Kind)> Leaves { get; } = LeavesOf(valid, "").ToList();

    public string Valid() => valid.ToJsonString();

    /// <summary>The body with the leaf at <paramref name="path"/> replaced by <paramref name="rawJson"/>.</summary>
    public string With(string path, string rawJson)
    {
        var body = (JsonObject)valid.DeepClone();
        Set(body, path, JsonValue.Create(Placeholder));
        return body.ToJsonString().Replace($"\"{Placeholder}\"", rawJson, StringComparison.Ordinal);
    }

    public string Without(string path)
    {
        var body = (JsonObject)valid.DeepClone();
        Set(body, path, null, remove: true);
        return body.ToJsonString();
    }

    public string WithExtra(string name, string rawJson)
    {
        var body = (JsonObject)valid.DeepClone();
        body[name] = JsonValue.Create(Placeholder);
        return body.ToJsonString().Replace($"\"{Placeholder}\"", rawJson, StringComparison.Ordinal);
    }

    private static void Set(JsonNode root, string path, JsonNode? value, bool remove = false)
    {
        var steps = Steps(path);
        var parent = root;
        foreach (var step in steps[..^1])
            parent = step is int index ? parent[index]! : parent[(string)step]!;
        switch (steps[^1], parent)
        {
            case (int index, JsonArray array) when remove:
                array.RemoveAt(index);
                break;
            case (int index, JsonArray array):
                array[index] = value;
                break;
            case (string name, JsonObject obj) when remove:
                obj.Remove(name);
                break;
            case (string name, JsonObject obj):
                obj[name] = value;
                break;
        }
    }

    private static object[] Steps(string path) => path.Replace("[", ".[", StringComparison.Ordinal).Split('.', StringSplitOptions.RemoveEmptyEntries)
        .Select(step => step.StartsWith('[') ? (object)int.Parse(step[1..^1], CultureInfo.InvariantCulture) : step).ToArray();

    private static IEnumerable<(string, JsonValueKind)> LeavesOf(JsonNode node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    IEnumerable<(string, JsonValueKind)> leaves = child is null ? [(Join(path, name), JsonValueKind.Null)] : LeavesOf(child, Join(path, name));
                    foreach (var leaf in leaves)
                        yield return leaf;
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var leaf in LeavesOf(array[i]!, $"{path}[{i}]"))
                        yield return leaf;
                }

                break;
            default:
                yield return (path, node.GetValueKind());
                break;
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
