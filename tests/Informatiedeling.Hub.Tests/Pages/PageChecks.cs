using System.Net;

namespace Informatiedeling.Hub.Tests.Pages;

/// <summary>Checks that hold for every page and every hub, whichever way the person signed in.</summary>
public static class PageChecks
{
    /// <summary>
    /// The page came with the hub's strict Content-Security-Policy: nothing by default, scripts and styles only from the
    /// hub, forms only to the hub and its providers, no framing, no base, nothing unsafe; and no MIME sniffing.
    /// </summary>
    public static void AssertStrictPolicy(DocumentResponse page, BrowserHub hub)
    {
        var policy = page.Header("Content-Security-Policy");
        Assert.False(policy is null, $"{page.Url} has no Content-Security-Policy");
        var directives = policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ').Skip(1).ToList(), StringComparer.Ordinal);
        Assert.Equal(["'none'"], directives["default-src"]);
        Assert.Equal(["'self'"], directives["script-src"]);
        Assert.Equal(["'self'"], directives["style-src"]);
        Assert.Equal(["'none'"], directives["frame-ancestors"]);
        Assert.Equal(["'none'"], directives["base-uri"]);
        Assert.Equal(["'self'", new Uri(hub.Provider.Issuer).GetLeftPart(UriPartial.Authority)], directives["form-action"]);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Header("X-Content-Type-Options"));
    }

    /// <summary>
    /// With a session (<paramref name="browser"/> on the start page as <paramref name="identity"/>), the sign-out form
    /// is refused with 400 without its antiforgery token, both in the browser (the hidden field removed) and posted
    /// with the session cookie alone; the session stays as it was.
    /// </summary>
    public static async Task AssertSignOutWithoutTokenRefusedAsync(BrowserHub hub, Browser browser, string sessionCookie, string identity)
    {
        var session = browser.Cookie(sessionCookie)?.Value;
        Assert.NotNull(session);

        browser.Driver.ExecuteScript("document.querySelector(\"header form input[name='__af']\").remove()");
        browser.SignOut();
        Assert.Equal(400, browser.Document("/afmelden").Status);
        Assert.Equal(session, browser.Cookie(sessionCookie)?.Value);

        using var client = hub.CreateClient();
        using var post = new HttpRequestMessage(HttpMethod.Post, "/afmelden") { Content = new FormUrlEncodedContent([]) };
        post.Headers.Add("Cookie", $"{sessionCookie}={session}");
        using var refused = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.False(refused.Headers.TryGetValues("Set-Cookie", out var set) && set.Any(v => v.StartsWith(sessionCookie + "=", StringComparison.Ordinal)), "the refused post touched the session cookie");

        browser.Open("/");
        browser.WaitForPath("/");
        Assert.Equal(identity, browser.Identity());
        Assert.Empty(browser.CspViolations());
    }
}
