using System.Text;
using System.Text.RegularExpressions;

namespace ClawGroups.Web.Tests.Api.Fuzzing;

/// <summary>Who a fuzzed request speaks as.</summary>
internal enum Credential
{
    Human,
    Agent,
    JoinToken,
    OtherGroupAgent,
    None,
    Bogus,
}

/// <summary>One fuzzed request, written out so that a failure can be read and replayed by hand.</summary>
internal sealed partial record FuzzRequest(
    string Operation, HttpMethod Method, string Path, Credential Credential, string? Body, string? ContentType = "application/json", string? IdempotencyKey = null)
{
    /// <summary>Which value went where: "usage.costUsd = 1e309", "whole body", "valid".</summary>
    public string Variation { get; init; } = "valid";

    public override string ToString()
    {
        var text = new StringBuilder($"{Method} {Path} as {Credential} [{Operation}: {Shorten(Variation)}]");
        if (IdempotencyKey is not null)
            text.Append($" Idempotency-Key: {Shorten(IdempotencyKey)}");
        if (Body is not null)
            text.Append($" Content-Type: {ContentType ?? "(none)"} body: {Shorten(Body)}");
        return text.ToString();
    }

    /// <summary>Long runs of one character are written as a count, and the rest is cut at 500 characters.</summary>
    public static string Shorten(string text)
    {
        var collapsed = RepeatedCharacter().Replace(text, match => $"<'{Escape(match.Value[0])}' × {match.Length}>");
        return collapsed.Length > 500 ? collapsed[..500] + "…" : collapsed;
    }

    private static string Escape(char c) => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString();

    [GeneratedRegex(@"(.)\1{40,}", RegexOptions.Singleline)]
    private static partial Regex RepeatedCharacter();
}
