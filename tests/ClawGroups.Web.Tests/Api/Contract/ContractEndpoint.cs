using System.Text.RegularExpressions;

namespace ClawGroups.Web.Tests.Api.Contract;

/// <summary>One endpoint as docs/API.md names it: its method, its path, and whether the app serves it yet.</summary>
internal sealed record ContractEndpoint(string Method, string Path, bool Built)
{
    /// <summary>
    /// The method and path with every path parameter written <c>{}</c>: the contract says <c>{id}</c> where a route
    /// may say <c>{workItemId}</c>, and both name the same endpoint.
    /// </summary>
    public string Key => $"{Method} {Regex.Replace(Path, @"\{[^}]*\}", "{}")}";
}
