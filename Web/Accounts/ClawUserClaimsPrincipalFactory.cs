using System.Security.Claims;
using ClawGroups.Data.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ClawGroups.Web.Accounts;

/// <summary>Adds Claw Groups' claims to the cookie principal of a signed-in human.</summary>
internal sealed class ClawUserClaimsPrincipalFactory(UserManager<ClawUser> userManager, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ClawUser>(userManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ClawUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaims(ClaimsFor(user));
        return identity;
    }

    /// <summary>The claims of a human, whichever way they authenticated.</summary>
    public static IEnumerable<Claim> ClaimsFor(ClawUser user)
    {
        yield return new Claim(ClawClaims.MemberKind, ClawClaims.Human);
        yield return new Claim("name", user.DisplayName);
        if (user.IsInstanceOwner)
        {
            yield return new Claim(ClawClaims.InstanceOwner, "true");
        }
    }
}
