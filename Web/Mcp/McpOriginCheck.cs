using ClawGroups.Web.Api;

namespace ClawGroups.Web.Mcp;

/// <summary>
/// The MCP transport's guard against DNS rebinding (the Streamable HTTP transport says a server must check Origin). A page
/// that rebinds its own name to this server's address calls it same-origin, with its own name in both Host and Origin, so
/// comparing the two proves nothing: what is checked is who the page is. A request to <c>/mcp</c> that carries an
/// <c>Origin</c> header — only browsers send one — is served when the page is on a loopback address (an MCP inspector on the
/// same machine) or one of the origins the operator allows (<c>ClawGroups:Mcp:AllowedOrigins</c>). MCP clients outside a
/// browser send no Origin and pass. A bearer token is needed anyway; this keeps a rebound page from even reaching the tools.
/// Refused with 403 before authentication and before any MCP message is read.
/// </summary>
public static class McpOriginCheck
{
    public const string AllowedOriginsKey = "ClawGroups:Mcp:AllowedOrigins";

    public static IApplicationBuilder UseMcpOriginCheck(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Read once: the list is deployment configuration, and every MCP request passes here.
        var allowed = app.ApplicationServices.GetRequiredService<IConfiguration>().GetSection(AllowedOriginsKey).Get<string[]>() ?? [];
        return app.UseWhen(context => context.Request.Path.StartsWithSegments(McpHosting.Path), mcp => mcp.Use(async (context, next) =>
        {
            var origins = context.Request.Headers.Origin;
            if (origins.Count > 0 && !(origins.Count == 1 && Allows(origins[0], allowed)))
            {
                await ApiResults.Problem(StatusCodes.Status403Forbidden, "Origin not allowed",
                    $"The MCP server answers pages on loopback addresses or those listed in {AllowedOriginsKey} only; this request came "
                    + $"from {string.Join(", ", origins.ToArray())}.").ExecuteAsync(context);
                return;
            }

            await next(context);
        }));
    }

    /// <summary>Whether a page at <paramref name="origin"/> may call the MCP server.</summary>
    public static bool Allows(string? origin, IReadOnlyCollection<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        // "null" (a sandboxed frame, a file) and anything that is not an absolute http(s) origin are refused.
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return false;
        }

        var authority = uri.GetLeftPart(UriPartial.Authority);
        return uri.IsLoopback || allowed.Any(entry => Uri.TryCreate(entry, UriKind.Absolute, out var listed)
            && string.Equals(authority, listed.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase));
    }
}
