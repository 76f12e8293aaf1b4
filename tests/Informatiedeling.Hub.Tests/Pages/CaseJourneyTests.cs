using OpenQA.Selenium;

namespace Informatiedeling.Hub.Tests.Pages;

/// <summary>
/// One case from report to closure by three partners, each in a browser session of their own, on the pages alone:
/// Veilig Thuis takes in the report, finishes the report step and records both weighings; the Zorg- en
/// Veiligheidshuis moves it through the case conference and closes it; Zorgcoördinatie writes its progress and reads
/// the file under its purpose, with what is withheld and why. Every page visited is checked with axe (no serious or
/// critical violation) and for CSP violations, and photographed.
/// </summary>
public sealed class CaseJourneyTests(DevelopmentHubFixture fixture) : IClassFixture<DevelopmentHubFixture>
{
    private BrowserHub Hub => fixture.Hub;

    [Fact]
    public async Task Three_partners_take_a_case_from_report_to_closure_in_three_browsers()
    {
        using var vt = Hub.SignInForDevelopment("veilig-thuis", "vt-medewerker");
        vt.WaitForPath("/");
        using var zvh = Hub.SignInForDevelopment("zvh", "zvh-procesregisseur");
        zvh.WaitForPath("/");
        using var zc = Hub.SignInForDevelopment("zorgcoordinatie", "zc-coordinator");
        zc.WaitForPath("/");

        // The report, on the intake form: typed inputs from the catalogue.
        vt.Open("/melding");
        await CheckAsync(vt, "melding-leeg");
        vt.Find("main form[method=post] button[type=submit]").Click();
        vt.WaitUntil(() => vt.FindAll(".error-summary").Count > 0, "the intake form's error summary");
        Assert.Contains("Vul de naam in", vt.Text(".error-summary"), StringComparison.Ordinal);
        await CheckAsync(vt, "melding-fouten");
        vt.Find("#naam").SendKeys("Fictieve Persoon Reis");
        vt.Find("#geboortedatum").SendKeys("04-03-1991");
        vt.Find("#melding-inhoud").SendKeys("Fictief signaal: werkt zonder loon in een kas");
        vt.Find("#melding-uitbuitingsvorm option[value=arbeid]").Click();
        vt.Find("#persoon-woonplaats").SendKeys("Voorbeeldstad");
        vt.Find("#melding-melder-naam").SendKeys("Fictieve Melder");
        vt.ClickAndWait("main form[method=post] button[type=submit]");
        Assert.Contains("nieuw dossier", vt.Text(".notice"), StringComparison.Ordinal);
        await CheckAsync(vt, "melding-opgenomen");
        var pseudonym = vt.Find(".notice a").GetAttribute("href")!.Split('/')[^1];
        Assert.StartsWith("cs-", pseudonym, StringComparison.Ordinal);

        // The emergency read (in the report step, where the reporting point may make it) asks a justification in a
        // posted form, never in the address.
        vt.Open($"/zaken/{pseudonym}?doel=acute-veiligheid");
        Assert.Equal($"/zaken/{pseudonym}", vt.Url.AbsolutePath);
        await CheckAsync(vt, "spoed-verantwoording");
        vt.Find("#verantwoording").SendKeys("Fictief: acute dreiging gemeld door de opvang");
        vt.ClickAndWait("main form[method=post] button[type=submit]");
        Assert.True(vt.Text("main").Contains("beoordeeld door de functionaris gegevensbescherming", StringComparison.Ordinal), vt.Text("main"));
        Assert.DoesNotContain("dreiging", vt.Url.ToString(), StringComparison.Ordinal);
        await CheckAsync(vt, "spoed-inzage");

        // The case is on Veilig Thuis's list, not yet on the care coordinators'.
        vt.Open("/");
        Assert.Contains(pseudonym, vt.Text("main table"), StringComparison.Ordinal);
        await CheckAsync(vt, "mijn-zaken");

        Act(vt, pseudonym, "Stap", "De stap is afgerond.");
        Choose(vt, "#eerste-weging-veiligheid", "onveilig");
        Choose(vt, "#eerste-weging-kwalificatie", "mensenhandel");
        Act(vt, pseudonym, "Weging", "De weging is vastgelegd.", open: false, form: "form:has(input[name=weging][value=eerste-weging])");
        await CheckAsync(vt, "bijwerken");

        Act(zvh, pseudonym, "Stap", "De stap is afgerond.");
        Open(vt, pseudonym);
        Choose(vt, "#tweede-weging-uitkomst", "mensenhandel-en-zorg");
        Act(vt, pseudonym, "Weging", "De weging is vastgelegd.", open: false, form: "form:has(input[name=weging][value=tweede-weging])");
        Act(zvh, pseudonym, "Stap", "De stap is afgerond.");

        // Zorgcoördinatie writes its progress in uitvoering under its own purpose, then reads the file under it.
        Open(zc, pseudonym);
        zc.Find("#velden-doel option[value=zorgcoordinatie]").Click();
        zc.Find("#voortgang-interventie").SendKeys("Fictief: opvang in een beschermde woonvorm geregeld");
        Act(zc, pseudonym, "Velden", "De gegevens zijn vastgelegd.", open: false);

        // A refusal in plain words: the care coordinators may not close the case.
        zc.Find("#sluiten-reden option[value=afgerond]").Click();
        zc.ClickAndWait("form[action$='handler=Sluiten'] button[type=submit]");
        Assert.Contains("Niet toegestaan volgens het convenant", zc.Text(".refusal"), StringComparison.Ordinal);
        Assert.Contains("artikel", zc.Text(".refusal"), StringComparison.Ordinal);
        Assert.Contains("is alleen voor", zc.Text(".refusal"), StringComparison.Ordinal); // the rule's reason in Dutch
        Assert.DoesNotContain("only for", zc.Text(".refusal"), StringComparison.Ordinal);
        await CheckAsync(zc, "geweigerd");

        zc.Open($"/zaken/{pseudonym}?doel=zorgcoordinatie");
        Assert.Contains("Doel: zorgcoordinatie", zc.Text(".banner"), StringComparison.Ordinal);
        Assert.Contains("opvang in een beschermde woonvorm", zc.Text("main"), StringComparison.Ordinal);
        Assert.Contains("melder-identiteit", zc.Text("main"), StringComparison.Ordinal); // withheld, with its reason
        Assert.DoesNotContain("Fictieve Melder", zc.Text("main"), StringComparison.Ordinal);
        await CheckAsync(zc, "dossier");

        Open(zvh, pseudonym);
        zvh.Find("#sluiten-reden option[value=afgerond]").Click();
        zvh.ClickAndWait("form[action$='handler=Sluiten'] button[type=submit]");
        Assert.Contains("Het dossier is gesloten.", zvh.Text(".notice"), StringComparison.Ordinal);

        // The public prosecutor places a legal hold on the closed case, sees it listed and lifts it.
        using var om = Hub.SignInForDevelopment("om", "om-officier");
        om.WaitForPath("/");
        Open(om, pseudonym);
        om.Find("#bewaarplicht-reden").SendKeys("Fictieve strafzaak 12/345");
        om.Find("#bewaarplicht-tot").SendKeys(DateTime.UtcNow.AddDays(90).ToString("dd-MM-yyyy", System.Globalization.CultureInfo.InvariantCulture));
        Act(om, pseudonym, "Bewaarplicht", "De bewaarplicht is vastgelegd.", open: false);
        om.ClickAndWait("form:has(input[name=handler][value=Bewaarplichten]) button[type=submit]");
        Assert.Contains("Openbaar Ministerie", om.Text("table:has(form[action$='handler=Opheffen'])"), StringComparison.Ordinal);
        await CheckAsync(om, "bewaarplichten");
        om.ClickAndWait("form[action$='handler=Opheffen'] button[type=submit]");
        Assert.Contains("De bewaarplicht is opgeheven.", om.Text(".notice"), StringComparison.Ordinal);

        // A page that does not exist is a Dutch page, not an error of the framework.
        om.Open("/bestaat-niet");
        Assert.Contains("Pagina niet gevonden", om.Text("h1"), StringComparison.Ordinal);
        await CheckAsync(om, "fout-404");

        // A partner without standing sees the same "not found" as for a case that does not exist.
        using var ggd = Hub.SignInForDevelopment("ggd", "ggd-arts");
        ggd.WaitForPath("/");
        ggd.Open($"/zaken/{pseudonym}");
        var held = ggd.Text("main");
        await CheckAsync(ggd, "niet-gevonden");
        ggd.Open("/zaken/cs-00000000000000000000000000");
        Assert.Equal(held.Replace(pseudonym, "", StringComparison.Ordinal), ggd.Text("main"));
        Assert.Equal(404, ggd.Document($"/zaken/{pseudonym}").Status);
    }

    private static void Open(Browser browser, string pseudonym)
    {
        browser.Open($"/zaken/{pseudonym}/bijwerken");
        browser.WaitForPath($"/zaken/{pseudonym}/bijwerken");
    }

    private static void Choose(Browser browser, string select, string value) => browser.Find($"{select} option[value='{value}']").Click();

    /// <summary>Submits the action's form on the case's working page and expects its notice.</summary>
    private static void Act(Browser browser, string pseudonym, string handler, string notice, bool open = true, string? form = null)
    {
        if (open)
        {
            Open(browser, pseudonym);
        }

        browser.ClickAndWait($"{form ?? $"form[action$='handler={handler}']"} button[type=submit]");
        var shown = browser.FindAll(".notice, .refusal, .error-summary").Select(e => e.Text).ToList();
        Assert.True(shown.Any(t => t.Contains(notice, StringComparison.Ordinal)), $"{handler}: expected '{notice}', the page shows: {string.Join(" | ", shown)}");
    }

    private static async Task CheckAsync(Browser browser, string step)
    {
        browser.Screenshot(step, "reis");
        await browser.AssertAccessibleAsync();
        browser.AssertNoCspViolation();
        Assert.Empty(browser.Driver.FindElements(By.CssSelector("script:not([src])")));
    }
}
