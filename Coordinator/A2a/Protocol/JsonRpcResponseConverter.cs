using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>Writes <c>jsonrpc</c>, <c>id</c> (null included) and exactly one of <c>result</c> (null included) and <c>error</c>.</summary>
public sealed class JsonRpcResponseConverter : JsonConverter<JsonRpcResponse>
{
    public override JsonRpcResponse Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A JSON-RPC response must be an object.");
        }

        JsonElement? Field(string name) => root.TryGetProperty(name, out var value) ? value.Clone() : null;
        var error = Field("error");
        return new JsonRpcResponse
        {
            Id = Field("id"),
            Result = Field("result"),
            Error = error is { ValueKind: JsonValueKind.Object } e ? e.Deserialize<JsonRpcError>(A2aJson.Options) : null,
        };
    }

    public override void Write(Utf8JsonWriter writer, JsonRpcResponse value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", JsonRpcRequest.Version);
        writer.WritePropertyName("id");
        if (value.Id is { } id)
        {
            id.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }

        if (value.Error is { } error)
        {
            writer.WritePropertyName("error");
            JsonSerializer.Serialize(writer, error, A2aJson.Options);
        }
        else
        {
            writer.WritePropertyName("result");
            if (value.Result is { } result)
            {
                result.WriteTo(writer);
            }
            else
            {
                writer.WriteNullValue();
            }
        }

        writer.WriteEndObject();
    }
}
