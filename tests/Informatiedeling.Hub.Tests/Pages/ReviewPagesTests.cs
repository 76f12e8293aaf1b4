using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Hub.Tests.Cases;
using OpenQA.Selenium;

namespace Informatiedeling.Hub.Tests.Pages;

/// <summary>A hub in Development with the development sign-in and the development token issuer (to seed an emergency release through the API).</summary>
public sealed class ReviewHubFixture : IAsyncLifetime
{
    public BrowserHub Hub { get; private set; } = null!;

    public async Task InitializeAsync() => Hub = await BrowserHub.StartAsync(new BrowserHubOptions
    {
        Environment = "Development",
        DevelopmentSignIn = true,
        Settings = new Dictionary<string, string?> { ["Authentication:DevelopmentIssuer:Enabled"] = "true" },
    });

    public async Task DisposeAsync() => await Hub.DisposeAsync();
}

/// <summary>
/// The review pages in a real browser: the hub's privacy officer finds an emergency release in the queue, opens it
/// with its justification, disposes it with a note on the posted form, and finds it among the disposed; a case worker
/// is refused. Every page is checked with axe and for CSP violations, and photographed; no title carries a personal value.
/// </summary>
public sealed class ReviewPagesTests(ReviewHubFixture fixture) : IClassFixture<ReviewHubFixture>
{
    private const string Justification = "Fictief: acute dreiging gemeld door de opvang";
    private const string Note = "Fictieve toelichting: de dreiging was reëel";

    private BrowserHub Hub => fixture.Hub;

    [Fact]
    public async Task The_privacy_officer_reviews_an_emergency_release_on_the_pages()
    {
        var pseudonym = await SeedEmergencyReleaseAsync();

        using var fg = Hub.SignInForDevelopment("zvh", "fg-hub", function: PartnerClaims.PrivacyOfficer);
        fg.WaitForPath("/");
        fg.Open("/toegangslog/beoordelingen");
        fg.WaitForPath("/toegangslog/beoordelingen");
        Assert.Equal("page", fg.Find("nav.sub a[href='/toegangslog/beoordelingen']").GetAttribute("aria-current"));
        var row = fg.Find($"main table tr:has(code)");
        Assert.Contains(pseudonym, row.Text, StringComparison.Ordinal);
        Assert.Contains("Open", row.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Justification, fg.Text("main"), StringComparison.Ordinal);
        await CheckAsync(fg, "wachtrij");

        fg.ClickAndWait("main table tr:has(code) a");
        Assert.StartsWith("/toegangslog/beoordelingen/", fg.Url.AbsolutePath, StringComparison.Ordinal);
        Assert.Contains(Justification, fg.Text("blockquote.justification"), StringComparison.Ordinal);
        Assert.Contains("Gerechtvaardigd", fg.Text("main form[method=post]"), StringComparison.Ordinal);
        Assert.Contains("Niet gerechtvaardigd", fg.Text("main form[method=post]"), StringComparison.Ordinal);
        Assert.Contains("Geëscaleerd", fg.Text("main form[method=post]"), StringComparison.Ordinal);
        Assert.NotEmpty(fg.FindAll("main form[method=post] input[name=__af]"));
        await CheckAsync(fg, "beoordeling");
        Assert.DoesNotContain("Fictie", fg.Driver.Title, StringComparison.Ordinal);

        var detailPath = fg.Url.AbsolutePath;
        fg.Find("input[name=beoordeling][value=justified]").Click();
        fg.Find("#toelichting").SendKeys(Note);
        fg.ClickAndWait("main form[method=post] button[type=submit]");
        Assert.Contains("De beoordeling is vastgelegd.", fg.Text(".notice"), StringComparison.Ordinal);
        Assert.Contains(Note, fg.Text("main"), StringComparison.Ordinal);
        Assert.Empty(fg.FindAll("main form[method=post]"));
        Assert.DoesNotContain("reëel", fg.Url.ToString(), StringComparison.Ordinal);
        await CheckAsync(fg, "beoordeeld");

        fg.Open("/toegangslog/beoordelingen");
        fg.WaitForPath("/toegangslog/beoordelingen");
        Assert.DoesNotContain(pseudonym, fg.Text("main"), StringComparison.Ordinal);
        fg.Find("#status option[value=disposed]").Click();
        fg.ClickAndWait("main form.filter button[type=submit]");
        Assert.Contains(pseudonym, fg.Text("main table"), StringComparison.Ordinal);
        Assert.Contains("Gerechtvaardigd", fg.Text("main table"), StringComparison.Ordinal);
        await CheckAsync(fg, "beoordeelde");

        // No personal value in a title; a case worker is refused the queue and the item.
        foreach (var value in new[] { "Fictie", pseudonym, "fg-hub", "vt-medewerker" })
        {
            Assert.DoesNotContain(value, fg.Driver.Title, StringComparison.Ordinal);
        }

        using var worker = Hub.SignInForDevelopment("politie", "politie-agent");
        worker.WaitForPath("/");
        worker.Open("/toegangslog/beoordelingen");
        Assert.Contains("Niet toegestaan", worker.Text(".refusal"), StringComparison.Ordinal);
        Assert.Equal(403, worker.Document("/toegangslog/beoordelingen").Status);
        await CheckAsync(worker, "geweigerd");
        worker.Open(detailPath);
        Assert.DoesNotContain(Justification, worker.Text("main"), StringComparison.Ordinal);
    }

    /// <summary>A case taken in and read in an emergency by Veilig Thuis, through the API; its pseudonym.</summary>
    private async Task<string> SeedEmergencyReleaseAsync()
    {
        using var client = Hub.CreateClient();
        using var tokenResponse = await client.PostAsJsonAsync("/dev/token", new DevelopmentTokenRequest("veilig-thuis", "vt-medewerker"));
        tokenResponse.EnsureSuccessStatusCode();
        var token = (await tokenResponse.Content.ReadFromJsonAsync<DevelopmentToken>())!.AccessToken;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var intake = await client.PostAsJsonAsync("/cases", Reports.Intake(
            "Fictieve Persoon Beoordeling", new DateOnly(1991, 3, 4), new Dictionary<string, string> { ["melding.uitbuitingsvorm"] = "arbeid" }));
        Assert.Equal(HttpStatusCode.Created, intake.StatusCode);
        var pseudonym = (await intake.Content.ReadFromJsonAsync<IntakeResult>())!.Pseudonym;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/cases/{pseudonym}/data?purpose=acute-veiligheid");
        request.Headers.Add(CaseEndpoints.JustificationHeader, Justification);
        using var read = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        return pseudonym;
    }

    private static async Task CheckAsync(Browser browser, string step)
    {
        browser.Screenshot(step, "beoordelingen");
        await browser.AssertAccessibleAsync();
        browser.AssertNoCspViolation();
        Assert.Empty(browser.Driver.FindElements(By.CssSelector("script:not([src])")));
    }
}
