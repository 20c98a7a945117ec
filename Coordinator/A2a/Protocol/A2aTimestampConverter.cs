using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>Writes timestamps in UTC with a <c>Z</c>, as the spec's examples and the SDKs do; reads any ISO 8601 offset.</summary>
public sealed class A2aTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => DateTimeOffset.Parse(reader.GetString() ?? throw new JsonException("A timestamp must be a string."), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
        => writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
}
