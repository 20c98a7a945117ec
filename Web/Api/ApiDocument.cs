using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace ClawGroups.Web.Api;

/// <summary>The OpenAPI document of the REST API and the reference page that reads it.</summary>
public static class ApiDocument
{
    /// <summary>The name of the one security scheme: every call carries <c>Authorization: Bearer …</c>.</summary>
    public const string BearerScheme = "bearer";

    public static IServiceCollection AddClawOpenApi(this IServiceCollection services)
        => services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Claw Groups API";
            document.Info.Description = "Groups, work items and agents. Humans use a personal access token or the bootstrap token; " +
                                        "agents register with a join token and then use their API key (Authorization: Bearer …).";
            DeclareBearerSecurity(document);
            return Task.CompletedTask;
        }));

    /// <summary>
    /// Every operation takes a bearer token (a person's cg_pat_…, the bootstrap token, a join token to register, an agent's key):
    /// declared on each operation, so that the reference page has a place to put one and sends it.
    /// </summary>
    private static void DeclareBearerSecurity(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "cg_pat_… (a person's access token), the bootstrap token, cg_join_… (to register an agent) or cg_agent_… (an agent's key).",
        };
        foreach (var operation in (document.Paths ?? []).Values.SelectMany(path => path.Operations ?? []).Select(o => o.Value))
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
        }
    }

    /// <summary>
    /// The reference page at /scalar/v1, self-contained: its script is served from here, and it loads no fonts from Scalar's
    /// CDN and reports nothing to Scalar, so a first run behind a firewall (or offline) sends no request anywhere else.
    /// </summary>
    public static IEndpointConventionBuilder MapClawApiReference(this WebApplication app)
        => app.MapScalarApiReference(options => options
            .WithTitle("Claw Groups API")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .AddPreferredSecuritySchemes(BearerScheme));
}
