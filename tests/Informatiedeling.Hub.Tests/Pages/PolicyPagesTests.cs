using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Pages.Beleid;
using Informatiedeling.Hub.Tests.PolicyAdministration;
using OpenQA.Selenium;

namespace Informatiedeling.Hub.Tests.Pages;

/// <summary>
/// The pages of the sharing rules in a real browser: the functional administrator proposes a change in the editor,
/// sees a refused text's problems inline by line, fixes it and computes its impact; a privacy officer who is not the
/// author approves it (after the broker refused a stale revision posted anyway); the administrator activates it, and
/// the overview shows the new version in force. An employee without a function is refused. Every page is checked with
/// axe and for CSP violations, and photographed; no title carries a personal value.
/// </summary>
public sealed class PolicyPagesTests(DevelopmentHubFixture fixture) : IClassFixture<DevelopmentHubFixture>
{
    private const string Days90 = "category: exceptioneel, days: 90";

    private BrowserHub Hub => fixture.Hub;

    [Fact]
    public async Task A_change_of_the_rules_goes_through_the_pages_with_four_eyes()
    {
        var retention = PolicyProposalTests.Reference("retention.yaml");
        var line = retention.Split('\n').ToList().FindIndex(l => l.Contains(Days90, StringComparison.Ordinal)) + 1;

        using var fa = Hub.SignInForDevelopment("zvh", "fb-1", function: PartnerClaims.FunctionalAdministrator);
        fa.WaitForPath("/");
        fa.ClickAndWait("nav.site a[href='/beleid']");
        fa.WaitForPath("/beleid");
        var before = fa.Find("#in-werking code.hash").GetAttribute("title");
        Assert.Contains("Er zijn nog geen voorstellen.", fa.Text("main"), StringComparison.Ordinal);
        await CheckAsync(fa, "overzicht");

        fa.ClickAndWait("main a[href='/beleid/voorstellen/nieuw']");
        fa.Find("#bestand-kiezen option[value='retention.yaml']").Click();
        fa.ClickAndWait("main form.choose button[type=submit]");
        Assert.Equal(retention.TrimEnd('\n'), Value(fa, "#tekst").TrimEnd('\n'));
        await CheckAsync(fa, "editor");

        // An unknown key: refused, every problem with file, line and column, linked to its line; the text typed stays.
        var wrong = retention.Replace(Days90, "categorie: exceptioneel, days: 60", StringComparison.Ordinal);
        fa.Find("#titel").SendKeys("Exceptioneel korter bewaren");
        SetValue(fa, "#tekst", wrong);
        fa.ClickAndWait("main form.editor button[type=submit]");
        Assert.Equal(400, fa.Document("/beleid/voorstellen/nieuw").Status);
        var link = fa.Find($".error-summary a[href='#regel-{line}']");
        Assert.StartsWith($"retention.yaml:{line}:", link.Text, StringComparison.Ordinal);
        var marked = fa.Find($"table.listing tr#regel-{line}");
        Assert.Equal("error", marked.GetAttribute("class"));
        Assert.Contains("Fout in kolom", marked.Text, StringComparison.Ordinal);
        Assert.Contains("categorie: exceptioneel", marked.Text, StringComparison.Ordinal);
        Assert.Equal(wrong.TrimEnd('\n'), Value(fa, "#tekst").TrimEnd('\n'));
        Assert.Equal("Exceptioneel korter bewaren", Value(fa, "#titel"));
        await CheckAsync(fa, "geweigerd");

        // Fixed: the proposal is there, with its diff by meaning and by text.
        SetValue(fa, "#tekst", PolicyProposalTests.Shorter()["retention.yaml"]);
        fa.ClickAndWait("main form.editor button[type=submit]");
        Assert.Matches("^/beleid/voorstellen/[0-9]+$", fa.Url.AbsolutePath);
        var detail = fa.Url.AbsolutePath;
        var meaning = fa.Text("section.rule-change");
        Assert.Contains("Bewaartermijnen: bewaar-exceptioneel", meaning, StringComparison.Ordinal);
        Assert.Contains("bewaartermijn in dagen beperkt", meaning, StringComparison.Ordinal);
        Assert.Contains("90 → 60", meaning, StringComparison.Ordinal);
        var diff = fa.Find("table.diff");
        Assert.Contains("verwijderd", diff.FindElement(By.CssSelector("tr.removed")).Text, StringComparison.Ordinal);
        Assert.Contains("days: 90", diff.FindElement(By.CssSelector("tr.removed")).Text, StringComparison.Ordinal);
        Assert.Contains("days: 60", diff.FindElement(By.CssSelector("tr.added")).Text, StringComparison.Ordinal);
        Assert.True(diff.FindElements(By.CssSelector("tbody tr")).Count < retention.Split('\n').Length, "only the changed lines and their context");
        Assert.Empty(fa.FindAll("form[action*='handler=Goedkeuren']"));
        Assert.Empty(fa.FindAll("form[action*='handler=InWerking']"));
        await CheckAsync(fa, "voorstel");

        fa.ClickAndWait("form[action*='handler=Effect'] button");
        Assert.Contains("Het effect is berekend.", fa.Text(".notice[role=status]"), StringComparison.Ordinal);
        Assert.Contains("betrouwbaar", fa.Text("#effect ~ p.notice"), StringComparison.Ordinal);
        Assert.Contains("Eerst toegestaan, nu geweigerd", fa.Text("#effect-cijfers"), StringComparison.Ordinal);
        await CheckAsync(fa, "effect");

        // The author's editor of a new revision opens on the proposal's files (not submitted here).
        fa.ClickAndWait("main a[href$='/bewerken']");
        fa.Find("#bestand-kiezen option[value='retention.yaml']").Click();
        fa.ClickAndWait("main form.choose button[type=submit]");
        Assert.Equal(detail + "/bewerken", fa.Url.AbsolutePath);
        Assert.Contains("category: exceptioneel, days: 60", Value(fa, "#tekst"), StringComparison.Ordinal);
        Assert.Equal("Exceptioneel korter bewaren", Value(fa, "#titel"));
        await CheckAsync(fa, "bewerken");

        // Another user, the hub's privacy officer, approves; a stale revision posted anyway is the broker's refusal, in Dutch.
        using var fg = Hub.SignInForDevelopment("zvh", "fg-hub", function: PartnerClaims.PrivacyOfficer);
        fg.WaitForPath("/");
        fg.ClickAndWait("nav.site a[href='/beleid']");
        Assert.Contains("Open", fg.Text("main table"), StringComparison.Ordinal);
        Assert.Empty(fg.FindAll("main a[href='/beleid/voorstellen/nieuw']"));
        fg.Open(detail);
        fg.WaitForPath(detail);
        Assert.NotEmpty(fg.FindAll("form[action*='handler=Goedkeuren'] input[name=__af]"));
        Assert.Empty(fg.FindAll("a[href$='/bewerken']"));
        fg.Driver.ExecuteScript("document.querySelector(\"form[action*='handler=Goedkeuren'] input[name=versie]\").value = '2'");
        fg.ClickAndWait("form[action*='handler=Goedkeuren'] button");
        Assert.Contains("Het voorstel is intussen gewijzigd", fg.Text(".refusal"), StringComparison.Ordinal);
        Assert.Equal(409, fg.Document(detail).Status);
        fg.ClickAndWait("form[action*='handler=Goedkeuren'] button");
        Assert.Contains("Het voorstel is goedgekeurd.", fg.Text(".notice[role=status]"), StringComparison.Ordinal);
        Assert.Contains("fg-hub", fg.Text("#beslissing"), StringComparison.Ordinal);
        await CheckAsync(fg, "goedgekeurd");

        // The administrator activates it at once; the overview shows the new version in force.
        fa.Open(detail);
        fa.WaitForPath(detail);
        Assert.Equal("Goedgekeurd", fa.Text("dl.facts dd strong"));
        await CheckAsync(fa, "in-werking-stellen");
        fa.ClickAndWait("form[action*='handler=InWerking'] button");
        Assert.Contains("in werking gesteld", fa.Text(".notice[role=status]"), StringComparison.Ordinal);
        Assert.Equal("In werking", fa.Text("dl.facts dd strong"));
        var version = fa.Find("dl.facts dt:nth-of-type(8) + dd code.hash").GetAttribute("title");
        fa.Open("/beleid");
        fa.WaitForPath("/beleid");
        Assert.Equal(version, fa.Find("#in-werking code.hash").GetAttribute("title"));
        Assert.NotEqual(before, version);
        Assert.Contains("In werking", fa.Text("main table"), StringComparison.Ordinal);
        Assert.Single(fa.FindAll("main form[action*='handler=Terug']"));
        await CheckAsync(fa, "nieuwe-versie");

        // Back to the earlier version: a proposal like any other, which widens (90 days again), so its approval says so.
        fa.ClickAndWait("main form[action*='handler=Terug'] button");
        Assert.Matches("^/beleid/voorstellen/[0-9]+$", fa.Url.AbsolutePath);
        var rollback = fa.Url.AbsolutePath;
        Assert.NotEqual(detail, rollback);
        Assert.Equal(before, fa.Find("dl.facts dt:nth-of-type(8) + dd code.hash").GetAttribute("title"));
        Assert.Contains("verruimt", fa.Text("section.rule-change h3"), StringComparison.Ordinal);
        await CheckAsync(fa, "terug");

        fg.Open(rollback);
        fg.WaitForPath(rollback);
        fg.ClickAndWait("form[action*='handler=Effect'] button");
        var acknowledge = fg.Find("form[action*='handler=Goedkeuren'] input[type=checkbox][name=verruiming]");
        Assert.Equal("true", acknowledge.GetAttribute("required"));
        await CheckAsync(fg, "verruiming");
        fg.Driver.ExecuteScript("document.querySelector(\"form[action*='handler=Goedkeuren'] input[name=verruiming]\").required = false");
        fg.ClickAndWait("form[action*='handler=Goedkeuren'] button");
        Assert.Contains("De verruiming is niet bevestigd", fg.Text(".refusal"), StringComparison.Ordinal);
        Assert.Equal(400, fg.Document(rollback).Status);
        fg.Find("form[action*='handler=Goedkeuren'] input[name=verruiming]").Click();
        fg.ClickAndWait("form[action*='handler=Goedkeuren'] button");
        Assert.Contains("Het voorstel is goedgekeurd.", fg.Text(".notice[role=status]"), StringComparison.Ordinal);
        Assert.Contains("Verruiming bevestigd ja", fg.Text("#beslissing").ReplaceLineEndings(" "), StringComparison.Ordinal);

        // Scheduled for a moment entered as Dutch time: the overview announces it, the proposal says from when.
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddDays(2), zone).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var instant = VoorstelModel.ToInstant(local)!.Value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        fa.Open(rollback);
        fa.WaitForPath(rollback);
        fa.Find("input[name=moment][value=later]").Click();
        SetValue(fa, "#tijdstip", local);
        fa.ClickAndWait("form[action*='handler=InWerking'] button");
        Assert.Contains("ingepland", fa.Text(".notice[role=status]"), StringComparison.Ordinal);
        Assert.Equal("Gepland", fa.Text("dl.facts dd strong"));
        Assert.Equal(instant, fa.Find("#beslissing dd:last-of-type time").GetAttribute("datetime"));
        fa.Open("/beleid");
        fa.WaitForPath("/beleid");
        Assert.Contains("Gepland:", fa.Text("main .warning"), StringComparison.Ordinal);
        Assert.Equal(version, fa.Find("#in-werking code.hash").GetAttribute("title"));
        Assert.Contains("(gepland) door fb-1", fa.Text("#versies"), StringComparison.Ordinal);
        await CheckAsync(fa, "gepland");

        foreach (var browser in new[] { fa, fg })
        {
            foreach (var value in new[] { "fb-1", "fg-hub", "exceptioneel" })
            {
                Assert.DoesNotContain(value, browser.Driver.Title, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task An_employee_without_a_function_is_refused_the_rules()
    {
        using var worker = Hub.SignInForDevelopment("politie", "politie-beleid");
        worker.WaitForPath("/");
        Assert.Empty(worker.FindAll("nav.site a[href='/beleid']"));
        worker.Open("/beleid");
        Assert.Contains("Niet toegestaan", worker.Text(".refusal"), StringComparison.Ordinal);
        Assert.Equal(403, worker.Document("/beleid").Status);
        Assert.Empty(worker.FindAll("main table"));
        await CheckAsync(worker, "medewerker-geweigerd");
        worker.Open("/beleid/voorstellen/nieuw");
        Assert.Empty(worker.FindAll("#tekst"));
        Assert.Equal(403, worker.Document("/beleid/voorstellen/nieuw").Status);
    }

    [Theory]
    [InlineData("2027-01-15T09:30", "2027-01-15T08:30:00Z")]
    [InlineData("2027-07-01T09:00", "2027-07-01T07:00:00Z")]
    [InlineData("2027-03-28T02:30", null)] // the clocks skip this hour
    [InlineData("morgen", null)]
    public void An_activation_moment_is_read_as_Dutch_time(string local, string? instant) =>
        Assert.Equal(instant, VoorstelModel.ToInstant(local)?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));

    private static string Value(Browser browser, string css) => browser.Find(css).GetDomProperty("value") ?? "";

    /// <summary>Sets a long text at once, as a paste would (typing every key of a policy file takes long).</summary>
    private static void SetValue(Browser browser, string css, string text) =>
        browser.Driver.ExecuteScript("document.querySelector(arguments[0]).value = arguments[1]", css, text);

    private static async Task CheckAsync(Browser browser, string step)
    {
        browser.Screenshot(step, "beleid");
        await browser.AssertAccessibleAsync();
        browser.AssertNoCspViolation();
        Assert.Empty(browser.Driver.FindElements(By.CssSelector("script:not([src])")));
    }
}
