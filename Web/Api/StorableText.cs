using System.Text;
using System.Text.Json;

namespace ClawGroups.Web.Api;

/// <summary>
/// Finds text in a JSON body that a database would refuse. PostgreSQL's text cannot hold U+0000 (it answered 500
/// for a NUL in a title), and a lone UTF-16 surrogate has no UTF-8 encoding at all. Both can only arrive escaped
/// (<c>\u0000</c>, <c>\ud800</c>), so only escaped strings and property names are decoded and looked at.
/// </summary>
internal static class StorableText
{
    /// <summary>The path of the first string the databases cannot store (<c>skills[1].name</c>), or null.</summary>
    public static string? FindUnstorable(ReadOnlySpan<byte> json)
    {
        var frames = new List<Frame>();
        var reader = new Utf8JsonReader(json);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.PropertyName or JsonTokenType.EndObject or JsonTokenType.EndArray)
                    && frames.Count > 0 && frames[^1].IsArray)
                {
                    frames[^1].Index++;
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        frames[^1].Property = Decode(ref reader) ?? "(property name)";
                        if (!Storable(ref reader))
                        {
                            return PathOf(frames);
                        }

                        break;
                    case JsonTokenType.String when !Storable(ref reader):
                        return PathOf(frames);
                    case JsonTokenType.StartObject:
                        frames.Add(new Frame(IsArray: false));
                        break;
                    case JsonTokenType.StartArray:
                        frames.Add(new Frame(IsArray: true));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Broken JSON is the deserializer's to report, with its line and position.
        }

        return null;
    }

    private static bool Storable(ref Utf8JsonReader reader)
        => !reader.ValueIsEscaped || Decode(ref reader) is { } text && !text.Contains('\0', StringComparison.Ordinal);

    /// <summary>The decoded string, or null when it is not valid UTF-16 (a lone surrogate).</summary>
    private static string? Decode(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string PathOf(List<Frame> frames)
    {
        var path = new StringBuilder();
        foreach (var frame in frames)
        {
            if (frame.IsArray)
            {
                path.Append('[').Append(frame.Index).Append(']');
            }
            else if (frame.Property is { } property)
            {
                path.Append(path.Length > 0 ? "." : "").Append(property);
            }
        }

        return path.Length > 0 ? path.ToString() : "(body)";
    }

    private sealed record Frame(bool IsArray)
    {
        public int Index { get; set; } = -1;

        public string? Property { get; set; }
    }
}
