using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Tests.Cases;
using OpenQA.Selenium;

namespace Informatiedeling.Hub.Tests.Pages;

/// <summary>
/// The page "Signalen" (<c>/toegangslog/signalen</c>) in a real browser: the hub's privacy officer sees the flags of
/// the last 24 hours per kind, each linking to the search of its case or employee, and picks another window in a GET
/// form; an employee is refused in plain words. Checked with axe and for CSP violations, and photographed.
/// </summary>
public sealed class LogFlagsPageTests(DevelopmentHubFixture fixture) : IClassFixture<DevelopmentHubFixture>
{
    private BrowserHub Hub => fixture.Hub;

    [Fact]
    public async Task The_privacy_officer_sees_the_flags_per_kind_with_links_to_the_search()
    {
        // A case taken in by Veilig Thuis and a look at it by the police, who have no standing: a denial on the case.
        using var http = Hub.CreateClient();
        async Task<HttpResponseMessage> SendAsync(string partner, string user, HttpMethod method, string path, object? body = null)
        {
            using var token = await http.PostAsJsonAsync("/dev/token", new DevelopmentTokenRequest(partner, user, null));
            token.EnsureSuccessStatusCode();
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await token.Content.ReadFromJsonAsync<DevelopmentToken>())!.AccessToken);
            if (body is not null)
            {
                request.Content = new StringContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");
            }

            return await http.SendAsync(request);
        }

        using var intake = await SendAsync("veilig-thuis", "vt-signaal", HttpMethod.Post, "/cases",
            Reports.Intake("Fictieve Persoon Signaal", new DateOnly(1990, 5, 6), new Dictionary<string, string> { ["melding.uitbuitingsvorm"] = "arbeid" }));
        Assert.Equal(HttpStatusCode.Created, intake.StatusCode);
        var pseudonym = (await intake.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pseudonym").GetString()!;
        (await SendAsync("politie", "agent-signaal", HttpMethod.Get, $"/cases/{pseudonym}")).Dispose();

        using var officer = Hub.SignInForDevelopment("zvh", "fg-signalen", function: PartnerClaims.PrivacyOfficer);
        officer.WaitForPath("/");
        officer.Open("/toegangslog/signalen");
        Assert.Equal("Signalen uit het toegangslog", officer.Text("main h1"));
        Assert.Equal("page", officer.Find("nav.sub a[href='/toegangslog/signalen']").GetAttribute("aria-current"));
        var headings = officer.FindAll("main h2").Select(h => h.Text.Trim()).ToList();
        Assert.Equal(
            ["Weigeringen", "Inzage na sluiten", "Schilpartner op laatste dag van uitnodiging", "Bulkinzage", "Noodtoegang", "Inzage van het toegangslog"],
            headings.Select(h => h[..h.IndexOf(" (", StringComparison.Ordinal)]));
        var denials = officer.Text("section[aria-labelledby='signaal-denial']");
        Assert.Contains(pseudonym, denials, StringComparison.Ordinal);
        Assert.Contains("agent-signaal", denials, StringComparison.Ordinal);
        Assert.NotEmpty(officer.FindAll($"section[aria-labelledby='signaal-denial'] a[href='/toegangslog/zaak/{pseudonym}']"));
        Assert.NotEmpty(officer.FindAll("section[aria-labelledby='signaal-denial'] a[href='/toegangslog/medewerker?organisatie=politie&gebruiker=agent-signaal']"));
        Assert.DoesNotContain("Fictieve Persoon", officer.Text("main"), StringComparison.Ordinal);
        await CheckAsync(officer, "laatste-24-uur");

        // Another window through the GET form: today only, in the address as dates, never a personal value.
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam")).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        officer.Open($"/toegangslog/signalen?from={today}&to={today}");
        Assert.Contains(pseudonym, officer.Text("section[aria-labelledby='signaal-denial']"), StringComparison.Ordinal);
        officer.Open("/toegangslog/signalen?from=gisteren");
        Assert.Contains("'from'", officer.Text(".refusal"), StringComparison.Ordinal);
        await CheckAsync(officer, "ongeldige-periode");

        // An employee is refused in plain words.
        using var employee = Hub.SignInForDevelopment("politie", "agent-nieuwsgierig");
        employee.WaitForPath("/");
        employee.Open("/toegangslog/signalen");
        Assert.Contains("Niet toegestaan", employee.Text(".refusal"), StringComparison.Ordinal);
        Assert.Empty(employee.FindAll("main h2"));
        await CheckAsync(employee, "geweigerd");
    }

    private static async Task CheckAsync(Browser browser, string step)
    {
        browser.Screenshot(step, "signalen");
        await browser.AssertAccessibleAsync();
        browser.AssertNoCspViolation();
        Assert.Empty(browser.Driver.FindElements(By.CssSelector("script:not([src])")));
    }
}
