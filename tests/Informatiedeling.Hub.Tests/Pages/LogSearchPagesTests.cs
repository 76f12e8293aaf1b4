using Informatiedeling.Hub.Authentication;
using OpenQA.Selenium;

namespace Informatiedeling.Hub.Tests.Pages;

/// <summary>
/// The privacy officer's search pages in a real Chromium: a case worker's emergency read is found per case, per
/// employee, per day and by person (a posted form: the name goes nowhere but the blind index, never into the address);
/// a partner's own privacy officer sees its employees only; an employee is refused in plain Dutch. Every page is
/// checked with axe and for CSP violations, and photographed.
/// </summary>
public sealed class LogSearchPagesTests(DevelopmentHubFixture fixture) : IClassFixture<DevelopmentHubFixture>
{
    private BrowserHub Hub => fixture.Hub;

    [Fact]
    public async Task The_privacy_officer_finds_an_emergency_read_per_case_employee_day_and_person()
    {
        var name = $"Fictieve Zoekpersoon {Guid.NewGuid():N}"[..32];
        using var vt = Hub.SignInForDevelopment("veilig-thuis", "vt-zoek");
        vt.WaitForPath("/");
        vt.Open("/melding");
        vt.Find("#naam").SendKeys(name);
        vt.Find("#geboortedatum").SendKeys("04-03-1991");
        vt.Find("#melding-inhoud").SendKeys("Fictief signaal");
        vt.Find("#melding-uitbuitingsvorm option[value=arbeid]").Click();
        vt.ClickAndWait("main form[method=post] button[type=submit]");
        var pseudonym = vt.Find(".notice a").GetAttribute("href")!.Split('/')[^1];
        vt.Open($"/zaken/{pseudonym}?doel=acute-veiligheid");
        vt.Find("#verantwoording").SendKeys("Fictief: acute dreiging");
        vt.ClickAndWait("main form[method=post] button[type=submit]");

        using var officer = Hub.SignInForDevelopment("zvh", "fg-hub", function: PartnerClaims.PrivacyOfficer);
        officer.WaitForPath("/");
        officer.Find("header nav a[href='/toegangslog']").Click();
        officer.WaitForPath("/toegangslog");
        await CheckAsync(officer, "zoeken");

        // Combined criteria, in the address as identifiers only.
        officer.Find("#dossier").SendKeys(pseudonym);
        officer.Find("#noodtoegang option[value=true]").Click();
        officer.ClickAndWait("form.filters button[type=submit]");
        var rows = officer.FindAll("table.log tbody tr");
        Assert.Single(rows);
        Assert.Contains("vt-zoek", rows[0].Text, StringComparison.Ordinal);
        Assert.Contains("noodtoegang", rows[0].Text, StringComparison.Ordinal);
        await CheckAsync(officer, "zoeken-resultaat");

        // Per employee and per day, from the row's links.
        officer.Find("table.log tbody tr td:nth-child(2) a").Click();
        officer.WaitForPath("/toegangslog/medewerker");
        Assert.Contains("Gegevens van een dossier ingezien", officer.Text("table.log"), StringComparison.Ordinal);
        Assert.DoesNotContain(officer.FindAll("table.log tbody tr"), r => !r.Text.Contains("vt-zoek", StringComparison.Ordinal));
        await CheckAsync(officer, "medewerker");
        officer.Find("table.log tbody tr td:first-child a").Click();
        officer.WaitUntil(() => officer.Url.AbsolutePath.StartsWith("/toegangslog/dag/", StringComparison.Ordinal), "the day page");
        Assert.Contains(pseudonym, officer.Text("table.log"), StringComparison.Ordinal);
        await CheckAsync(officer, "dag");
        officer.Open($"/toegangslog/zaak/{pseudonym}");
        Assert.Contains("Melding aangenomen", officer.Text("table.log"), StringComparison.Ordinal);
        await CheckAsync(officer, "zaak");

        // By person: a posted form; the address then names the file, never the person.
        officer.Open("/toegangslog");
        officer.Find("#Naam").SendKeys(name);
        officer.Find("#Geboortedatum").SendKeys("04-03-1991");
        officer.ClickAndWait("form.person button[type=submit]");
        Assert.Contains(pseudonym, officer.Url.Query, StringComparison.Ordinal);
        Assert.DoesNotContain("Zoekpersoon", officer.Url.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Zoekpersoon", officer.Driver.Title, StringComparison.Ordinal);
        Assert.NotEmpty(officer.FindAll("table.log tbody tr"));
        await CheckAsync(officer, "persoon");

        // A malformed search says what to change, in Dutch.
        officer.Open("/toegangslog?regel=%3Cscript%3E&van=2026-12-05&tot=2026-12-01");
        Assert.Contains("Tot en met", officer.Text(".refusal"), StringComparison.Ordinal);
        Assert.Contains("Regel", officer.Text(".refusal"), StringComparison.Ordinal);
        await CheckAsync(officer, "ongeldig");
        foreach (var edge in new[] { "/toegangslog/dag/0001-01-01", "/toegangslog/dag/9999-12-31" })
        {
            officer.Open(edge);
            Assert.Equal(400, officer.Document(edge).Status);
        }

        // A partner's own privacy officer sees its own employees only.
        using var own = Hub.SignInForDevelopment("politie", "fg-politie", function: PartnerClaims.PartnerPrivacyOfficer);
        own.WaitForPath("/");
        own.Open($"/toegangslog/zaak/{pseudonym}");
        var seen = own.FindAll("table.log tbody tr"); // only its own read of this page, recorded before the rows were read
        Assert.Single(seen);
        Assert.Contains("fg-politie", seen[0].Text, StringComparison.Ordinal);
        Assert.Contains("Toegangslog doorzocht", seen[0].Text, StringComparison.Ordinal);
        own.Open("/toegangslog?organisatie=veilig-thuis");
        Assert.Contains("medewerkers van uw eigen organisatie", own.Text(".refusal"), StringComparison.Ordinal);
        await CheckAsync(own, "eigen-organisatie");

        // An employee: refused in plain words; the attempt is recorded.
        vt.Open("/toegangslog");
        Assert.Equal(403, vt.Document("/toegangslog").Status);
        Assert.Contains("Alleen voor de functionaris gegevensbescherming", vt.Text(".refusal"), StringComparison.Ordinal);
        Assert.Empty(vt.FindAll("header nav a[href='/toegangslog']"));
        await CheckAsync(vt, "medewerker-geweigerd");
    }

    private static async Task CheckAsync(Browser browser, string step)
    {
        browser.Screenshot(step, "toegangslog");
        await browser.AssertAccessibleAsync();
        browser.AssertNoCspViolation();
        Assert.Empty(browser.Driver.FindElements(By.CssSelector("script:not([src])")));
    }
}
