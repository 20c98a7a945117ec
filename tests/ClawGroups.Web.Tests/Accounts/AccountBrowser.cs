using System.Net;
using System.Text.RegularExpressions;

namespace ClawGroups.Web.Tests.Accounts;

/// <summary>
/// A browser without JavaScript against the app on loopback: it keeps cookies, reads a page's form (the antiforgery
/// token and Blazor's form name) and posts it back form-encoded, as the account pages must work without a circuit.
/// Redirects are not followed on their own, so tests can see where they lead.
/// </summary>
internal sealed partial class AccountBrowser : IDisposable
{
    public const string SessionCookie = ".AspNetCore.Identity.Application";

    private readonly HttpClient _http;

    public AccountBrowser(ClawAppFactory app)
    {
        BaseAddress = app.BaseAddress;
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
    }

    public Uri BaseAddress { get; }

    public CookieContainer Cookies { get; } = new();

    public bool HasSession => Cookies.GetCookies(BaseAddress).Any(c => c.Name == SessionCookie);

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(new Uri(path, UriKind.RelativeOrAbsolute));

    /// <summary>Where a redirect leads, as a path and query; it must stay in the app.</summary>
    public string Location(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.True(response.Headers.Location is not null, $"expected a redirect, got {(int)response.StatusCode}");
        var target = new Uri(BaseAddress, response.Headers.Location);
        Assert.Equal(BaseAddress.GetLeftPart(UriPartial.Authority), target.GetLeftPart(UriPartial.Authority));
        return target.PathAndQuery;
    }

    /// <summary>Follows redirects from <paramref name="path"/> and answers where they end, as a path and query.</summary>
    public async Task<string> FollowRedirectsAsync(string path)
    {
        var location = path;
        for (var hop = 0; hop < 5; hop++)
        {
            var response = await GetAsync(location);
            if (response.Headers.Location is null)
            {
                return location;
            }

            location = Location(response);
        }

        throw new InvalidOperationException($"more than five redirects from {path}");
    }

    /// <summary>Loads the page at <paramref name="path"/> and submits its form with <paramref name="fields"/>, as a person would.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string path, IReadOnlyDictionary<string, string> fields, string? action = null)
    {
        var page = await _http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = HiddenField(html, "__RequestVerificationToken") };
        if (action is null)
        {
            form["_handler"] = HiddenField(html, "_handler");
        }

        using var content = new FormUrlEncodedContent(form);
        return await _http.PostAsync(new Uri(action ?? path, UriKind.Relative), content);
    }

    public Task<HttpResponseMessage> SignUpAsync(string displayName, string email, string password, string? returnUrl = null)
        => SubmitAsync(WithReturnUrl("/account/signup", returnUrl), new Dictionary<string, string>
        {
            ["Input.DisplayName"] = displayName,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        });

    public Task<HttpResponseMessage> SignInAsync(string email, string password, string? returnUrl = null)
        => SubmitAsync(WithReturnUrl("/account/signin", returnUrl), new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });

    /// <summary>Signs out through the form every signed-in page carries in its app bar.</summary>
    public Task<HttpResponseMessage> SignOutAsync(string fromPage = "/") => SubmitAsync(fromPage, new Dictionary<string, string>(), "/account/signout");

    public void Dispose() => _http.Dispose();

    private static string WithReturnUrl(string path, string? returnUrl)
        => returnUrl is null ? path : $"{path}?returnUrl={Uri.EscapeDataString(returnUrl)}";

    private static string HiddenField(string html, string name)
    {
        var match = HiddenInput().Matches(html).FirstOrDefault(m => m.Groups["name"].Value == name);
        Assert.True(match is not null, $"the page has no hidden field {name}");
        return WebUtility.HtmlDecode(match.Groups["value"].Value);
    }

    [GeneratedRegex("""<input[^>]*type="hidden"[^>]*name="(?<name>[^"]+)"[^>]*value="(?<value>[^"]*)"[^>]*>""")]
    private static partial Regex HiddenInput();
}
