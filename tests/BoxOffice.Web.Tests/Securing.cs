using System.Net;
using System.Text.RegularExpressions;
using BoxOffice.Web.Tests.Support;

namespace BoxOffice.Web.Tests;

/// <summary>The web app's own defences, over plain HTTP (no browser needed).</summary>
public sealed partial class Securing(WebFixture web) : IClassFixture<WebFixture>
{
    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused()
    {
        using var client = web.Host.Client();
        var page = await client.GetAsync(new Uri("/account/login", UriKind.Relative), TestContext.Current.CancellationToken);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("__RequestVerificationToken");

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = "alice@boxoffice.local", ["Password"] = WebHost.BuyerPassword });
        var posted = await client.PostAsync(new Uri("/account/login", UriKind.Relative), form, TestContext.Current.CancellationToken);

        posted.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        posted.Headers.Contains("Set-Cookie").ShouldBeFalse("nobody was signed in");
    }

    [Fact]
    public async Task Pages_carry_a_content_security_policy_and_the_live_stream_needs_a_sign_in()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = web.Host.Address };
        var home = await client.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        home.Headers.GetValues("Content-Security-Policy").ShouldHaveSingleItem().ShouldContain("script-src 'self'");

        var stream = await client.GetAsync(new Uri("/live/notifications", UriKind.Relative), TestContext.Current.CancellationToken);
        stream.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "an EventSource gets 401, not a sign-in page");

        var mine = await client.GetAsync(new Uri("/me/tickets", UriKind.Relative), TestContext.Current.CancellationToken);
        mine.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        LoginRedirect().IsMatch(mine.Headers.Location!.ToString()).ShouldBeTrue(mine.Headers.Location!.ToString());
    }

    [GeneratedRegex("/account/login\\?ReturnUrl=%2Fme%2Ftickets$")]
    private static partial Regex LoginRedirect();
}
