using Microsoft.Extensions.Time.Testing;

namespace Informatiedeling.Hub.Tests.Pages;

/// <summary>
/// A session ends 12 hours after sign-in however much it is used: sliding renewal alone would keep a session in
/// daily use alive for ever, and the list of ended sessions keeps its entries only as long as a session can last.
/// </summary>
public sealed class SessionLifetimeTests
{
    [Fact]
    public async Task A_session_used_every_twenty_minutes_lasts_twelve_hours_and_then_the_next_page_is_the_sign_in_page()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var hub = await BrowserHub.StartAsync(new BrowserHubOptions { Environment = "Development", DevelopmentSignIn = true, Clock = clock });
        using var browser = hub.SignInForDevelopment("gemeente", "gemeente-medewerker");
        browser.WaitForPath("/");

        // Each use within the idle time renews the session: 11 hours 40 minutes after sign-in it is still there.
        for (var step = 1; step <= 35; step++)
        {
            clock.Advance(TimeSpan.FromMinutes(20));
            browser.Open("/");
            browser.WaitForPath("/");
        }

        Assert.Equal("gemeente-medewerker / Gemeente / Medewerker", browser.Identity());

        // Used again within the idle time, but 12 hours 5 minutes after sign-in: ended.
        clock.Advance(TimeSpan.FromMinutes(25));
        browser.Open("/");
        browser.WaitForPath("/aanmelden?terug=%2F");
        Assert.Null(browser.Cookie(hub.SessionCookie));
    }
}
