using ClawGroups.Data.Accounts;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace ClawGroups.Web.Accounts;

/// <summary>The account actions that are plain HTTP rather than pages: signing out.</summary>
public static class AccountEndpoints
{
    public const string SignInPath = "/account/signin";
    public const string SignUpPath = "/account/signup";
    public const string SignOutPath = "/account/signout";
    public const string AccessDeniedPath = "/account/accessdenied";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // A form post from any page's account menu; antiforgery-checked so another site cannot sign a person out.
        app.MapPost(SignOutPath, SignOutAsync).WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> SignOutAsync(HttpContext context, SignInManager<ClawUser> signIn)
    {
        // The antiforgery middleware only records its verdict; endpoints that do not bind a form must act on it themselves.
        if (context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Form expired",
                detail: "The sign-out form was not valid (it may be from an old page). Reload the page and sign out again.");
        }

        await signIn.SignOutAsync();
        return TypedResults.LocalRedirect(SignInPath);
    }
}
