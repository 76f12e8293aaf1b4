using System.Net;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Tests.Cases;
using OpenQA.Selenium;

namespace Informatiedeling.Hub.Tests.Pages;

/// <summary>
/// The pages Integriteit and Exporteren in process on both engines: "Nu controleren" posts with antiforgery and calls
/// the same broker (the same record); the export page downloads the file the API gives; an employee is refused.
/// </summary>
public sealed class LogIntegrityPageFlowTests
{
    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Verifying_from_the_page_is_recorded_and_shown_and_the_export_page_downloads_the_file(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        using var officer = await SignInAsync(hub, "zvh", "fg-pagina", PartnerClaims.PrivacyOfficer);
        var page = await officer.GetStringAsync(new Uri("/toegangslog/integriteit", UriKind.Relative));
        Assert.Contains("Nu controleren", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/toegangslog/integriteit\" aria-current=\"page\"", page, StringComparison.Ordinal);

        var form = await PageFlowTests.FormAsync(officer, "/toegangslog/integriteit");
        using (var withoutToken = await officer.PostAsync(new Uri("/toegangslog/integriteit?handler=Controleren", UriKind.Relative), new FormUrlEncodedContent([])))
        {
            Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        }

        using var posted = await officer.PostAsync(new Uri("/toegangslog/integriteit?handler=Controleren", UriKind.Relative), new FormUrlEncodedContent(form));
        var shown = await posted.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("De controle is uitgevoerd: in orde", shown, StringComparison.Ordinal);
        Assert.Single(await hub.LogAsync(r => r.Operation == "access-log.integrity.verify" && r.Decision == AccessDecision.Permit && r.ActorUser == "fg-pagina", everyKind: true));

        using var file = await officer.GetAsync(new Uri($"/toegangslog/export?handler=Bestand&format=csv&case={pseudonym}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("text/csv", file.Content.Headers.ContentType!.MediaType);
        Assert.True(file.Headers.Contains("X-Checkpoint-Note"));
        Assert.Contains(pseudonym, await file.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var invalid = await officer.GetAsync(new Uri("/toegangslog/export?handler=Bestand&format=xml", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("&#x27;format&#x27; must be jsonl or csv", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var employee = await PageFlowTests.SignInAsync(hub, "politie", "agent-pagina");
        using var refused = await employee.GetAsync(new Uri("/toegangslog/integriteit", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain("Nu controleren", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HttpClient> SignInAsync(CaseHub hub, string partner, string user, string function)
    {
        var client = hub.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await PageFlowTests.FormAsync(client, "/aanmelden");
        form["Partner"] = partner;
        form["Gebruiker"] = user;
        form["Functie"] = function;
        using var content = new FormUrlEncodedContent(form);
        using var signedIn = await client.PostAsync(new Uri("/aanmelden", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }
}

/// <summary>The integrity and export pages in a real browser: axe, no CSP violation, no inline script, photographed.</summary>
public sealed class LogIntegrityBrowserTests(DevelopmentHubFixture fixture) : IClassFixture<DevelopmentHubFixture>
{
    private BrowserHub Hub => fixture.Hub;

    [Fact]
    public async Task The_privacy_officer_verifies_the_log_from_the_integrity_page_and_opens_the_export_form()
    {
        using var officer = Hub.SignInForDevelopment("zvh", "fg-browser", function: PartnerClaims.PrivacyOfficer);
        officer.WaitForPath("/");
        officer.Open("/toegangslog/integriteit");
        Assert.Equal("Integriteit van het toegangslog", officer.Text("h1"));
        await CheckAsync(officer, "integriteit");

        officer.ClickAndWait("form[action$='handler=Controleren'] button[type=submit]");
        Assert.Contains("De controle is uitgevoerd: in orde", officer.Text(".notice"), StringComparison.Ordinal);
        Assert.Contains("Aantal records", officer.Text("main"), StringComparison.Ordinal); // what was verified is signed too
        await CheckAsync(officer, "gecontroleerd");

        officer.Open("/toegangslog/export");
        Assert.Equal("Toegangslog exporteren", officer.Text("h1"));
        await CheckAsync(officer, "export");
    }

    private static async Task CheckAsync(Browser browser, string step)
    {
        browser.Screenshot(step, "integriteit");
        await browser.AssertAccessibleAsync();
        browser.AssertNoCspViolation();
        Assert.Empty(browser.Driver.FindElements(By.CssSelector("script:not([src])")));
    }
}
