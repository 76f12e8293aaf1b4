using Informatiedeling.Testing;
using Xunit.Abstractions;

namespace Informatiedeling.Hub.Tests.Pages;

/// <summary>A hub in Development: development sign-in (pick partner, user, function) beside the police's provider.</summary>
public sealed class DevelopmentHubFixture : IAsyncLifetime
{
    public static readonly OidcTestPerson Agent = new("agent-bakker", "politie");

    public BrowserHub Hub { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Hub = await BrowserHub.StartAsync(new BrowserHubOptions { Environment = "Development", DevelopmentSignIn = true, People = [Agent] });

    public async Task DisposeAsync() => await Hub.DisposeAsync();
}

/// <summary>Development sign-in and sign-out in a real browser, several people signed in at once, and the pages they see.</summary>
public sealed class DevelopmentSignInTests(DevelopmentHubFixture fixture, ITestOutputHelper output) : IClassFixture<DevelopmentHubFixture>
{
    private BrowserHub Hub => fixture.Hub;

    [Fact]
    public void A_veilig_thuis_worker_signs_in_for_development_and_signing_out_ends_the_session()
    {
        using var browser = Hub.OpenBrowser();
        browser.Open("/");
        browser.WaitForPath("/aanmelden");

        // Both ways in are offered: the police's provider, and development sign-in.
        Assert.Equal("Politie", browser.Text("a[data-organisatie=politie]"));
        Assert.Single(browser.FindAll("main form[method=post] #Partner"));

        Hub.SignInForDevelopment("veilig-thuis", "vt-medewerker", browser: browser);
        browser.WaitForPath("/");
        Assert.Equal("vt-medewerker / Veilig Thuis / Medewerker", browser.Identity());
        Assert.NotNull(browser.Cookie(Hub.SessionCookie));

        browser.SignOut();
        browser.WaitForPath("/aanmelden");
        Assert.Null(browser.Cookie(Hub.SessionCookie));
        Assert.Empty(browser.FindAll(HubPages.SignOutButton));
        browser.Open("/");
        browser.WaitForPath("/aanmelden");
        browser.AssertNoCspViolation();
    }

    [Fact]
    public void The_sign_in_form_posted_without_its_antiforgery_token_is_refused_with_400_and_signs_no_one_in()
    {
        using var browser = Hub.OpenBrowser();
        browser.Open("/aanmelden");
        browser.Driver.ExecuteScript("document.querySelector(\"main form input[name='__af']\").remove()");
        BrowserHub.SubmitDevelopmentSignIn(browser, "veilig-thuis", "vt-zonder-token");

        Assert.Equal(400, browser.Document("/aanmelden").Status);
        Assert.Null(browser.Cookie(Hub.SessionCookie));
        browser.Open("/");
        browser.WaitForPath("/aanmelden");
        Assert.Empty(browser.CspViolations());
    }

    [Fact]
    public async Task The_sign_out_form_posted_without_its_antiforgery_token_is_refused_with_400_and_the_session_stays()
    {
        using var browser = Hub.SignInForDevelopment("veilig-thuis", "vt-medewerker");
        browser.WaitForPath("/");
        await PageChecks.AssertSignOutWithoutTokenRefusedAsync(Hub, browser, Hub.SessionCookie, "vt-medewerker / Veilig Thuis / Medewerker");
    }

    [Fact]
    public void Several_people_are_signed_in_at_once_each_in_their_own_browser_and_each_sees_only_themselves()
    {
        using var police = Hub.SignInForDevelopment("politie", "agent-smit");
        using var shelter = Hub.SignInForDevelopment("veilig-thuis", "vt-medewerker");
        using var officer = Hub.SignInForDevelopment("zorgcoordinatie", "fg-zorg", privacyOfficer: true);
        foreach (var browser in new[] { police, shelter, officer })
        {
            browser.WaitForPath("/");
        }

        Assert.Equal("agent-smit / Politie / Medewerker", police.Identity());
        Assert.Equal("vt-medewerker / Veilig Thuis / Medewerker", shelter.Identity());
        Assert.Equal("fg-zorg / Zorgcoördinatie / Functionaris gegevensbescherming", officer.Identity());

        // One signs out; the others stay signed in as themselves.
        shelter.SignOut();
        shelter.WaitForPath("/aanmelden");
        police.Open("/");
        officer.Open("/");
        Assert.Equal("agent-smit / Politie / Medewerker", police.Identity());
        Assert.Equal("fg-zorg / Zorgcoördinatie / Functionaris gegevensbescherming", officer.Identity());
        foreach (var browser in new[] { police, shelter, officer })
        {
            browser.AssertNoCspViolation();
        }
    }

    [Fact]
    public async Task The_development_sign_in_page_with_its_form_and_its_errors_has_no_serious_or_critical_accessibility_violation()
    {
        using var browser = Hub.OpenBrowser();
        browser.Open("/aanmelden");
        PageChecks.AssertStrictPolicy(browser.Document("/aanmelden"), Hub);
        browser.Screenshot("aanmelden");
        Report(await browser.AssertAccessibleAsync());

        // Submitted empty: the form shows its field errors.
        browser.ClickAndWait("main form[method=post] button[type=submit]");
        Assert.Equal("Kies een organisatie.", browser.Text("#partner-fout"));
        Assert.Equal("Vul een gebruikersnaam in.", browser.Text("#gebruiker-fout"));
        browser.Screenshot("fouten");
        Report(await browser.AssertAccessibleAsync());
        browser.AssertNoCspViolation();
    }

    [Fact]
    public async Task The_start_page_carries_the_strict_CSP_and_has_no_serious_or_critical_accessibility_violation()
    {
        using var browser = Hub.SignInForDevelopment("veilig-thuis", "vt-medewerker");
        browser.WaitForPath("/");
        PageChecks.AssertStrictPolicy(browser.Document("/"), Hub);
        browser.Screenshot("start");
        Report(await browser.AssertAccessibleAsync());
        browser.AssertNoCspViolation();
    }

    [Fact]
    public async Task My_access_history_carries_the_strict_CSP_and_has_no_serious_or_critical_accessibility_violation()
    {
        using var browser = Hub.SignInForDevelopment("veilig-thuis", "vt-inzage");
        browser.WaitForPath("/");
        browser.ClickAndWait("nav.site a[href='/mijn-inzage']");
        browser.WaitForPath("/mijn-inzage");
        Assert.Equal("Mijn inzage", browser.Text("main h1"));
        PageChecks.AssertStrictPolicy(browser.Document("/mijn-inzage"), Hub);

        // Its own view is on the record: the next view shows it above the start page's list of cases.
        browser.Open("/mijn-inzage");
        var rows = browser.FindAll("main table tbody tr");
        Assert.Equal(3, rows.Count);
        Assert.Contains("Mijn inzage bekeken", rows[0].Text, StringComparison.Ordinal);
        Assert.Contains("Mijn zaken bekeken", rows[2].Text, StringComparison.Ordinal);
        browser.Screenshot("mijn-inzage");
        Report(await browser.AssertAccessibleAsync());
        browser.AssertNoCspViolation();
    }

    private void Report(IReadOnlyList<AxeViolation> violations)
    {
        foreach (var violation in violations)
        {
            output.WriteLine($"axe: {violation}");
        }
    }
}
