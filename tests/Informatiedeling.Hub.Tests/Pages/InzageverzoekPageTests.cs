using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Hub.Tests.Cases;

namespace Informatiedeling.Hub.Tests.Pages;

/// <summary>
/// The data subject's report on its page in a real browser: the hub's privacy officer asks it by case, first without
/// and then with the employees (a reason from the list), and by name and date of birth; every page is checked with axe
/// and for CSP violations and photographed; the name is not in any address.
/// </summary>
public sealed class InzageverzoekPageTests(DevelopmentHubFixture fixture) : IClassFixture<DevelopmentHubFixture>
{
    private BrowserHub Hub => fixture.Hub;

    [Fact]
    public async Task The_privacy_officer_draws_up_a_printable_report_by_case_and_by_person()
    {
        // A file with an emergency release, through the API as a case worker of Veilig Thuis.
        using var api = Hub.CreateClient();
        using var tokenResponse = await api.PostAsJsonAsync("/dev/token", new DevelopmentTokenRequest("veilig-thuis", "vt-inzage"));
        var token = (await tokenResponse.Content.ReadFromJsonAsync<DevelopmentToken>())!.AccessToken;
        using var intake = new HttpRequestMessage(HttpMethod.Post, "/cases")
        {
            Content = JsonContent.Create(Reports.Intake("Fictieve Betrokkene Inzage", new DateOnly(1979, 11, 11), new Dictionary<string, string> { ["melding.uitbuitingsvorm"] = "arbeid" })),
        };
        intake.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var created = await api.SendAsync(intake);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var pseudonym = (await created.Content.ReadFromJsonAsync<IntakeResult>())!.Pseudonym;
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/cases/{pseudonym}/data?purpose=acute-veiligheid");
        read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        read.Headers.Add(CaseEndpoints.JustificationHeader, "Fictief acuut gevaar");
        using (var released = await api.SendAsync(read))
        {
            Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        }

        using var fg = Hub.SignInForDevelopment("zvh", "fg-inzage", function: PartnerClaims.PrivacyOfficer);
        fg.WaitForPath("/");
        fg.Open("/toegangslog/inzageverzoek");
        Assert.Equal("page", fg.Find("nav.sub a[href='/toegangslog/inzageverzoek']").GetAttribute("aria-current"));
        await CheckAsync(fg, "formulier");

        fg.Find("#kenmerk").SendKeys(pseudonym);
        fg.ClickAndWait("form[action$='handler=Kenmerk'] button[type=submit]");
        Assert.Contains("Overzicht van verstrekkingen", fg.Text("main"), StringComparison.Ordinal);
        Assert.Contains("acute-veiligheid", fg.Text("main table"), StringComparison.Ordinal);
        Assert.DoesNotContain("vt-inzage", fg.Text("main"), StringComparison.Ordinal);
        Assert.Contains("infodeel log verify-report", fg.Text("main"), StringComparison.Ordinal);
        Assert.Contains("niet vermeld", fg.Text("dl.facts"), StringComparison.Ordinal);
        await CheckAsync(fg, "op-kenmerk");

        fg.Open("/toegangslog/inzageverzoek");
        fg.Find("#kenmerk").SendKeys(pseudonym);
        fg.Find("#reden-kenmerk option[value='rights-exercise']").Click();
        fg.ClickAndWait("form[action$='handler=Kenmerk'] button[type=submit]");
        Assert.Contains("vt-inzage", fg.Text("main table"), StringComparison.Ordinal);
        Assert.Contains("uitoefening van de rechten van betrokkene", fg.Text("dl.facts"), StringComparison.Ordinal);
        await CheckAsync(fg, "met-medewerkers");

        fg.Open("/toegangslog/inzageverzoek");
        fg.Find("#naam").SendKeys("Fictieve Betrokkene Inzage");
        fg.Find("#geboortedatum").SendKeys("11-11-1979");
        fg.ClickAndWait("form[action$='handler=Persoon'] button[type=submit]");
        Assert.True(fg.FindAll("dl.facts").Count == 1, fg.Text("main"));
        Assert.Contains(pseudonym, fg.Text("dl.facts"), StringComparison.Ordinal);
        Assert.DoesNotContain("Betrokkene", fg.Url.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Betrokkene", fg.Driver.Title, StringComparison.Ordinal);
        await CheckAsync(fg, "op-naam");

        // An employee without the function is refused on the page as on the API.
        using var employee = Hub.SignInForDevelopment("politie", "agent-inzage");
        employee.WaitForPath("/");
        employee.Open("/toegangslog/inzageverzoek");
        employee.Find("#kenmerk").SendKeys(pseudonym);
        employee.ClickAndWait("form[action$='handler=Kenmerk'] button[type=submit]");
        Assert.Contains("Niet toegestaan", employee.Text(".refusal"), StringComparison.Ordinal);
        await CheckAsync(employee, "geweigerd");
    }

    private static async Task CheckAsync(Browser browser, string step)
    {
        browser.Screenshot(step, "inzageverzoek");
        await browser.AssertAccessibleAsync();
        browser.AssertNoCspViolation();
    }
}
