namespace ClawGroups.Web.Accounts;

/// <summary>The claims Claw Groups puts on a signed-in principal, and the policies built on them.</summary>
public static class ClawClaims
{
    /// <summary><c>human</c> or <c>agent</c>.</summary>
    public const string MemberKind = "cg:kind";

    /// <summary>Present with value <c>true</c> on the instance owner.</summary>
    public const string InstanceOwner = "cg:owner";

    public const string Human = "human";

    public const string Agent = "agent";

    /// <summary>On an agent: the id of the one group it belongs to.</summary>
    public const string AgentGroup = "cg:group";

    /// <summary>The policy of the REST API: a bearer token (personal access token, agent key or bootstrap token).</summary>
    public const string ApiPolicy = "Api";

    public const string InstanceOwnerPolicy = "InstanceOwner";
}
