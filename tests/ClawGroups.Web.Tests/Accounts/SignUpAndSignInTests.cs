using System.Net;
using ClawGroups.Data.Accounts;
using Microsoft.EntityFrameworkCore;

namespace ClawGroups.Web.Tests.Accounts;

/// <summary>The account pages through their real forms, as a browser without JavaScript posts them.</summary>
[Collection(WebTestCollection.Name)]
public sealed class SignUpAndSignInTests : IAsyncLifetime
{
    private const string Password = "Correct-Horse-9";

    private ClawAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await ClawAppFactory.StartOnLoopbackAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_first_account_signed_up_becomes_the_instance_owner_and_the_second_does_not()
    {
        using var first = new AccountBrowser(_app);
        using var second = new AccountBrowser(_app);

        var firstResponse = await first.SignUpAsync("Ada", "ada@example.com", Password);
        var secondResponse = await second.SignUpAsync("Grace", "grace@example.com", Password);

        Assert.Equal(HttpStatusCode.Redirect, firstResponse.StatusCode);
        Assert.Equal("/", first.Location(firstResponse));
        Assert.Equal(HttpStatusCode.Redirect, secondResponse.StatusCode);
        Assert.True(first.HasSession && second.HasSession, "signing up signs the person in");
        await using var context = _app.Database.NewContext();
        Assert.True((await context.Users.SingleAsync(u => u.Email == "ada@example.com")).IsInstanceOwner);
        var grace = await context.Users.SingleAsync(u => u.Email == "grace@example.com");
        Assert.False(grace.IsInstanceOwner);
        Assert.Equal("Grace", grace.DisplayName);
    }

    [Fact]
    public async Task People_signing_up_at_once_on_a_fresh_instance_make_exactly_one_owner()
    {
        var browsers = Enumerable.Range(0, 3).Select(_ => new AccountBrowser(_app)).ToList();

        var responses = await Task.WhenAll(browsers.Select((b, i) => b.SignUpAsync($"Person {i}", $"person{i}@example.com", Password)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        await using var context = _app.Database.NewContext();
        Assert.Equal(1, await context.Users.CountAsync(u => u.IsInstanceOwner && u.Id != ClawUser.BootstrapOwnerId));
        browsers.ForEach(b => b.Dispose());
    }

    [Fact]
    public async Task Signing_up_goes_back_to_a_local_return_url_and_never_to_another_site()
    {
        using var local = new AccountBrowser(_app);
        using var foreign = new AccountBrowser(_app);

        var toLocal = await local.SignUpAsync("Ada", "ada@example.com", Password, returnUrl: "/account/tokens");
        var toForeign = await foreign.SignUpAsync("Mallory", "mallory@example.com", Password, returnUrl: "//evil.example/phish");

        Assert.Equal("/account/tokens", local.Location(toLocal));
        Assert.Equal("/", foreign.Location(toForeign));
    }

    [Fact]
    public async Task A_weak_password_and_a_taken_email_are_refused_in_words()
    {
        using var browser = new AccountBrowser(_app);
        await browser.SignUpAsync("Ada", "ada@example.com", Password);
        using var other = new AccountBrowser(_app);

        var weak = await other.SignUpAsync("Bob", "bob@example.com", "alllowercase1");
        var taken = await other.SignUpAsync("Ada again", "ada@example.com", Password);

        Assert.Equal(HttpStatusCode.OK, weak.StatusCode);
        Assert.Contains("uppercase", await weak.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("An account with this email already exists.", await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(other.HasSession);
        await using var context = _app.Database.NewContext();
        Assert.False(await context.Users.AnyAsync(u => u.Email == "bob@example.com"));
    }

    [Fact]
    public async Task Signing_in_with_a_wrong_password_says_so_and_sets_no_session_cookie()
    {
        using (var signUp = new AccountBrowser(_app))
        {
            await signUp.SignUpAsync("Ada", "ada@example.com", Password);
        }

        using var browser = new AccountBrowser(_app);

        var response = await browser.SignInAsync("ada@example.com", "Wrong-password-1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("Wrong email or password.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Wrong-password-1", page, StringComparison.Ordinal);
        Assert.False(browser.HasSession);
    }

    [Fact]
    public async Task Signing_in_gives_a_session_that_opens_the_access_tokens_page()
    {
        using (var signUp = new AccountBrowser(_app))
        {
            await signUp.SignUpAsync("Ada", "ada@example.com", Password);
        }

        using var browser = new AccountBrowser(_app);

        var signIn = await browser.SignInAsync("ada@example.com", Password, returnUrl: "/account/tokens");
        var tokens = await browser.GetAsync("/account/tokens");

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/account/tokens", browser.Location(signIn));
        Assert.True(browser.HasSession);
        Assert.Equal(HttpStatusCode.OK, tokens.StatusCode);
        var page = await tokens.Content.ReadAsStringAsync();
        Assert.Contains("Access tokens", page, StringComparison.Ordinal);
        Assert.Contains("Ada", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anonymous_visitor_of_a_protected_page_is_sent_to_sign_in_and_told_to_come_back()
    {
        using var browser = new AccountBrowser(_app);

        var location = await browser.FollowRedirectsAsync("/account/tokens");

        Assert.Equal("/account/signin?returnUrl=%2Faccount%2Ftokens", location);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        using var browser = new AccountBrowser(_app);
        await browser.SignUpAsync("Ada", "ada@example.com", Password);

        var signOut = await browser.SignOutAsync("/account/tokens");
        var tokens = await browser.GetAsync("/account/tokens");

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/account/signin", browser.Location(signOut));
        Assert.False(browser.HasSession);
        Assert.Equal(HttpStatusCode.Redirect, tokens.StatusCode);
    }

    [Fact]
    public async Task Signing_out_without_the_antiforgery_token_is_refused()
    {
        using var browser = new AccountBrowser(_app);
        await browser.SignUpAsync("Ada", "ada@example.com", Password);
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = browser.Cookies, AllowAutoRedirect = false })
        {
            BaseAddress = browser.BaseAddress,
        };

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>());
        var response = await client.PostAsync(new Uri("/account/signout", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(browser.HasSession);
    }
}
