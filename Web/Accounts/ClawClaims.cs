namespace ClawGroups.Web.Accounts;

/// <summary>The claims Claw Groups puts on a signed-in principal, and the policies built on them.</summary>
public static class ClawClaims
{
    /// <summary><c>human</c> or <c>agent</c>.</summary>
    public const string MemberKind = "cg:kind";

    /// <summary>Present with value <c>true</c> on the instance owner.</summary>
    public const string InstanceOwner = "cg:owner";

    public const string Human = "human";

    public const string InstanceOwnerPolicy = "InstanceOwner";
}
