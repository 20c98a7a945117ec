namespace ClawGroups.Web.Tests.Api.Fuzzing;

/// <summary>
/// The values a fuzzed request is made of, as raw JSON text: the edges of every numeric type the server might parse into,
/// strings a database or a renderer may choke on, values of the wrong type, and bodies that are not what was asked for.
/// </summary>
internal static class FuzzValues
{
    public static readonly string[] Numbers =
    [
        "0", "-1", "1", "0.5", "-0.0", "1.5",
        "2147483647", "2147483648", "-2147483649",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "79228162514264337593543950335", "79228162514264337593543950336", "-79228162514264337593543950335",
        "1e308", "1e309", "-1e309", "1e-400", "4.9e-324", "123456789012345678901234567890.123", "1E+2",
        "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"12\"", "\"1e400\"",
    ];

    /// <summary>Strings each endpoint's text fields get in the systematic pass: a NUL inside, far too long, and not a string.</summary>
    public static readonly string[] StringEdges = [Json("a\u0000b"), Json(new string('x', 100_000)), "123"];

    public static readonly string[] Strings =
    [
        Json(""), Json(" "), Json("\u0000"), Json("a\u0000b"), Json("\u0000\u0000\u0000"), Json(new string('x', 100_000)), Json(new string('é', 5_000)),
        Json("😀 ü ß 中文 \u202Eevil"), "\"\\ud800\"", "\"\\udfff x\"", Json("<script>alert(1)</script>"), Json("' OR 1=1 --"), Json("%00%ff"),
        Json("line\r\nbreak\ttab"), Json("\\"), Json("{{title}}"), Json("00000000-0000-0000-0000-000000000000"),
    ];

    public static readonly string[] WrongTypes = ["true", "false", "null", "[]", "{}", "[1,2]", "{\"a\":1}", "[\"a\"]", "\"\""];

    /// <summary>Whole bodies that are not the object asked for.</summary>
    public static readonly string[] Bodies =
    [
        "", " ", "{", "}", "null", "[]", "[{}]", "\"text\"", "123", "true", "{\"a\":}", "{'a':1}", "{\"title\":\"x\",}", "{\"a\":1}{\"b\":2}",
        "{\"title\":\"x\" /* comment */}", "\uFEFF{}", new string('[', 2_000) + new string(']', 2_000), "{\"x\":\"" + new string('y', 1_100_000) + "\"}",
        "{\"\u0000\":1}", "{\"title\":\"a\",\"title\":\"b\"}",
    ];

    public static readonly string[] WaitSeconds = ["0", "1", "abc", "1.5", "99999999999", "-1", "31", "", "%00", "1e1", "0x10", "+1", "٣", "NaN"];

    public static readonly string[] States = ["ready", "done", "inProgress", "InProgress", "READY", "bogus", "", "%00", "1", "ready,done", "null"];

    public static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    public static T Pick<T>(this Random random, IReadOnlyList<T> values) => values[random.Next(values.Count)];
}
