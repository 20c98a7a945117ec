using System.Text.Json;

namespace ClawGroups.Coordinator.A2a.Protocol;

/// <summary>
/// How to authenticate to an agent: exactly one field is set (the proto's oneof), e.g.
/// <c>{ "httpAuthSecurityScheme": { "scheme": "Bearer" } }</c>. OAuth 2 flows are kept as JSON.
/// </summary>
public sealed record SecurityScheme
{
    public ApiKeySecurityScheme? ApiKeySecurityScheme { get; init; }

    public HttpAuthSecurityScheme? HttpAuthSecurityScheme { get; init; }

    public JsonElement? Oauth2SecurityScheme { get; init; }

    public JsonElement? OpenIdConnectSecurityScheme { get; init; }

    public JsonElement? MtlsSecurityScheme { get; init; }

    public static SecurityScheme Bearer(string description, string? bearerFormat = null)
        => new() { HttpAuthSecurityScheme = new HttpAuthSecurityScheme { Scheme = "Bearer", Description = description, BearerFormat = bearerFormat } };
}

/// <summary>An API key in a header, query parameter or cookie.</summary>
public sealed record ApiKeySecurityScheme
{
    public string? Description { get; init; }

    /// <summary><c>query</c>, <c>header</c> or <c>cookie</c>.</summary>
    public required string Location { get; init; }

    public required string Name { get; init; }
}

/// <summary>An HTTP authentication scheme (<c>Bearer</c>, <c>Basic</c>) in the Authorization header.</summary>
public sealed record HttpAuthSecurityScheme
{
    public string? Description { get; init; }

    public required string Scheme { get; init; }

    public string? BearerFormat { get; init; }
}
