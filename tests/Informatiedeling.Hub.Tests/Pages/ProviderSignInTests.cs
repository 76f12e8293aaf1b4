using System.Net;
using Informatiedeling.Testing;
using Xunit.Abstractions;

namespace Informatiedeling.Hub.Tests.Pages;

/// <summary>
/// A hub as production runs it (environment Testing: HTTPS, <c>__Host-</c> cookies, antiforgery on every form),
/// whose only sign-in is the police's provider, which may assert the partner politie and nothing else.
/// </summary>
public sealed class ProviderHubFixture : IAsyncLifetime
{
    public static readonly OidcTestPerson Agent = new("agent-de-vries", "politie");

    /// <summary>A person the police's provider says works for the public prosecutor, which it may not say.</summary>
    public static readonly OidcTestPerson Impostor = new("officier-bij-politie", "om");

    public BrowserHub Hub { get; private set; } = null!;

    public async Task InitializeAsync() => Hub = await BrowserHub.StartAsync(new BrowserHubOptions { People = [Agent, Impostor] });

    public async Task DisposeAsync() => await Hub.DisposeAsync();
}

/// <summary>People signing in with their organisation's provider, in a real browser: authorization code with PKCE.</summary>
public sealed class ProviderSignInTests(ProviderHubFixture fixture, ITestOutputHelper output) : IClassFixture<ProviderHubFixture>
{
    private const string Session = "__Host-informatiedeling";

    private BrowserHub Hub => fixture.Hub;

    [Fact]
    public async Task The_organisation_link_sends_the_browser_to_the_police_provider_with_a_pushed_S256_code_challenge()
    {
        var before = (await Hub.Provider.RequestsAsync()).Count;
        using var browser = Hub.OpenBrowser();
        browser.Open("/");
        browser.WaitForPath("/aanmelden");
        Assert.Equal("/aanmelden?terug=%2F", browser.Location);

        browser.ClickAndWait("a[data-organisatie=politie]");
        browser.WaitUntil(() => browser.Url.Authority == new Uri(Hub.Provider.Issuer).Authority && browser.FindAll("#login").Count == 1, "the provider's login page");

        // The hub pushed its authorization request (PAR) with an S256 code challenge; the browser carried only its reference.
        var requests = (await Hub.Provider.RequestsAsync()).Skip(before).ToList();
        var pushed = Assert.Single(requests, r => r.GetProperty("endpoint").GetString() == "par");
        Assert.Equal(Hub.Client.ClientId, pushed.GetProperty("clientId").GetString());
        var parameters = pushed.GetProperty("params");
        Assert.Equal("S256", parameters.GetProperty("code_challenge_method").GetString());
        Assert.Matches("^[A-Za-z0-9_-]{43}$", parameters.GetProperty("code_challenge").GetString());
        Assert.Equal("code", parameters.GetProperty("response_type").GetString());
        Assert.Equal(new Uri(Hub.BaseAddress, "aanmelden/politie/terug").ToString(), parameters.GetProperty("redirect_uri").GetString());
        var visited = Assert.Single(requests, r => r.GetProperty("endpoint").GetString() == "authorization").GetProperty("query");
        Assert.StartsWith("urn:ietf:params:oauth:request_uri:", visited.GetProperty("request_uri").GetString(), StringComparison.Ordinal);
        Assert.Equal(Hub.Client.ClientId, visited.GetProperty("client_id").GetString());
        foreach (var pushedOnly in new[] { "code_challenge", "code_challenge_method", "redirect_uri", "nonce", "state", "scope", "response_type" })
        {
            Assert.False(visited.TryGetProperty(pushedOnly, out _), $"the browser's authorization request carries {pushedOnly}");
        }

        browser.Screenshot("provider");
        browser.AssertNoCspViolation();
    }

    [Fact]
    public void A_police_officer_who_logs_in_there_lands_on_the_start_page_with_a_host_only_session_cookie()
    {
        using var browser = Hub.SignInWithProvider(ProviderHubFixture.Agent);
        browser.WaitForPath("/");
        Assert.Equal("agent-de-vries / Politie / Medewerker", browser.Identity());
        Assert.Empty(browser.FindAll(".refusal"));

        var session = browser.Cookie(Session);
        Assert.NotNull(session);
        Assert.True(session.IsHttpOnly, "the session cookie is HttpOnly");
        Assert.True(session.Secure, "the session cookie is Secure");
        Assert.Equal("Lax", session.SameSite);
        Assert.Equal("/", session.Path);
        Assert.Equal("127.0.0.1", session.Domain);

        // Nothing of the sign-in is left behind but the session: no correlation or nonce cookie.
        Assert.DoesNotContain(browser.Cookies, c => c.Name.Contains("Correlation", StringComparison.Ordinal) || c.Name.Contains("Nonce", StringComparison.Ordinal));
        browser.AssertNoCspViolation();
    }

    [Fact]
    public void A_provider_asserting_a_partner_it_may_not_ends_on_the_sign_in_page_with_the_refusal_and_no_session()
    {
        using var browser = Hub.SignInWithProvider(ProviderHubFixture.Impostor);
        browser.WaitForPath("/aanmelden?fout=1");
        Assert.Contains(HubPages.SignInRefusal, browser.Text(".refusal[role=alert]"), StringComparison.Ordinal);
        Assert.Null(browser.Cookie(Session));
        Assert.Empty(browser.FindAll(HubPages.SignOutButton));
        Assert.Contains(Hub.Factory.Logs.Lines, l => l.Contains("The issuer asserted a partner it may not assert.", StringComparison.Ordinal));
        browser.Screenshot("geweigerd");

        browser.Open("/");
        browser.WaitForPath("/aanmelden");
        browser.AssertNoCspViolation();
    }

    [Fact]
    public void Signing_out_ends_the_session_at_the_hub_and_at_the_provider()
    {
        using var browser = Hub.SignInWithProvider(ProviderHubFixture.Agent);
        browser.WaitForPath("/");
        browser.SignOut();
        browser.WaitUntil(() => browser.Url.Authority == new Uri(Hub.Provider.Issuer).Authority && browser.FindAll("#afmelden").Count == 1, "the provider's sign-out question");
        browser.ClickAndWait("#afmelden");
        browser.WaitForPath("/aanmelden");
        Assert.Null(browser.Cookie(Session));

        browser.Open("/");
        browser.WaitForPath("/aanmelden");

        // Signed out at the provider too: signing in again asks for the login anew.
        browser.ClickAndWait("a[data-organisatie=politie]");
        browser.WaitUntil(() => browser.FindAll("#login").Count == 1, "the provider's login page, again");
        browser.AssertNoCspViolation();
    }

    [Fact]
    public async Task The_sign_out_form_posted_without_its_antiforgery_token_is_refused_with_400_and_the_session_stays()
    {
        using var browser = Hub.SignInWithProvider(ProviderHubFixture.Agent);
        browser.WaitForPath("/");
        await PageChecks.AssertSignOutWithoutTokenRefusedAsync(Hub, browser, Session, "agent-de-vries / Politie / Medewerker");
    }

    [Fact]
    public async Task The_start_page_of_a_provider_session_carries_the_strict_CSP_and_has_no_serious_or_critical_accessibility_violation()
    {
        using var browser = Hub.SignInWithProvider(ProviderHubFixture.Agent);
        browser.WaitForPath("/");
        PageChecks.AssertStrictPolicy(browser.Document("/"), Hub);
        browser.Screenshot("start");
        Report(await browser.AssertAccessibleAsync());
        browser.AssertNoCspViolation();
    }

    [Fact]
    public async Task The_sign_in_page_carries_the_strict_CSP_and_has_no_serious_or_critical_accessibility_violation()
    {
        using var browser = Hub.OpenBrowser();
        browser.Open("/aanmelden");
        PageChecks.AssertStrictPolicy(browser.Document("/aanmelden"), Hub);
        browser.Screenshot("aanmelden");
        Report(await browser.AssertAccessibleAsync());

        // As it shows a refused sign-in.
        browser.Open("/aanmelden?fout=1");
        Assert.Contains(HubPages.SignInRefusal, browser.Text(".refusal[role=alert]"), StringComparison.Ordinal);
        browser.Screenshot("fout");
        Report(await browser.AssertAccessibleAsync());
        browser.AssertNoCspViolation();
    }

    [Fact]
    public void The_CSP_is_enforced_and_its_refusals_reach_the_console_while_the_drivers_own_script_runs()
    {
        using var browser = Hub.OpenBrowser();
        browser.Open("/aanmelden");

        // The driver's script is not the page's: the policy does not govern it (so axe can be put in the page).
        Assert.Equal(2L, browser.Driver.ExecuteScript("return 1 + 1"));

        // A script the page would run inline is refused, and the refusal is in the console.
        browser.Driver.ExecuteScript("const s = document.createElement('script'); s.textContent = 'window.inlineRan = true'; document.body.appendChild(s)");
        browser.WaitUntil(() => browser.CspViolations().Count > 0, "the console's CSP refusal");
        Assert.Null(browser.Driver.ExecuteScript("return window.inlineRan ?? null"));
        Assert.Contains(browser.CspViolations(), v => v.Message.Contains("script-src", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_accessibility_check_reports_a_page_that_breaks_the_rules()
    {
        using var browser = Hub.OpenBrowser();
        browser.Open("/aanmelden");
        browser.Driver.ExecuteScript("document.documentElement.removeAttribute('lang'); document.querySelector('main a').textContent = ''");
        var violations = await browser.AxeAsync();
        Assert.Contains(violations, v => v.Id == "html-has-lang" && v.Impact == "serious" && v.Targets.Contains("html"));
        Assert.Contains(violations, v => v.Id == "link-name" && v.Impact == "serious");
        var failure = await Assert.ThrowsAsync<Xunit.Sdk.TrueException>(browser.AssertAccessibleAsync);
        Assert.Contains("html-has-lang (serious)", failure.Message, StringComparison.Ordinal);
    }

    private void Report(IReadOnlyList<AxeViolation> violations)
    {
        foreach (var violation in violations)
        {
            output.WriteLine($"axe: {violation}");
        }
    }
}
