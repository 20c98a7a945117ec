using System.Security.Claims;
using ClawGroups.Coordinator.Calls;
using ClawGroups.Data.WorkItems;

namespace ClawGroups.Web.Accounts;

public static class CallerExtensions
{
    /// <summary>The authenticated principal as the coordinator's services see it.</summary>
    public static Caller ToCaller(this ClaimsPrincipal user)
    {
        var id = Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!);
        var name = user.FindFirstValue("name") ?? user.Identity?.Name ?? "";
        return user.FindFirstValue(ClawClaims.MemberKind) == ClawClaims.Agent
            ? new Caller(MemberKind.Agent, id, name, AgentGroupId: Guid.Parse(user.FindFirstValue(ClawClaims.AgentGroup)!))
            : new Caller(MemberKind.Human, id, name, IsInstanceOwner: user.HasClaim(ClawClaims.InstanceOwner, "true"));
    }
}
