using System.Net;
using System.Text.RegularExpressions;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Tests.Cases;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Informatiedeling.Hub.Tests.Pages;

/// <summary>
/// The pages in process, on both engines: signed in by development sign-in, they take in a report, read it under a
/// purpose through the same broker (and the same access-log record) as the API, answer a case without standing with
/// the very page of a case that does not exist, refuse a post without its antiforgery token, and carry the strict
/// Content-Security-Policy. The browser tests (real Chromium, real provider) build on what is shown here.
/// </summary>
public sealed partial class PageFlowTests
{
    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_report_taken_in_on_the_page_is_read_under_a_purpose_and_recorded_as_the_api_records_it(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        using var vt = await SignInAsync(hub, "veilig-thuis", "vt-pagina");
        var form = await FormAsync(vt, "/melding");
        form["naam"] = "Fictief Paginapersoon";
        form["geboortedatum"] = "1991-03-04";
        form["veld:melding.inhoud"] = "Fictief signaal via de pagina";
        form["veld:persoon.woonplaats"] = "Voorbeeldstad";
        using var posted = await vt.PostAsync(new Uri("/melding", UriKind.Relative), new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var pseudonym = Pseudonym().Match(posted.Headers.Location!.OriginalString).Value;
        Assert.StartsWith("/melding?dossier=cs-", posted.Headers.Location!.OriginalString, StringComparison.Ordinal);

        var page = await vt.GetStringAsync(new Uri($"/zaken/{pseudonym}?doel=signalering-en-weging", UriKind.Relative));
        Assert.Contains("Doel: signalering-en-weging", page, StringComparison.Ordinal);
        Assert.Contains("Fictief signaal via de pagina", page, StringComparison.Ordinal);
        Assert.Contains("hek-strafrechtelijk", page, StringComparison.Ordinal); // withheld, with its rule
        Assert.Contains("is afgeschermd: alleen voor Politie", page, StringComparison.Ordinal); // and its reason in Dutch, naming the partners
        Assert.DoesNotContain("is fenced", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Fictief Paginapersoon", page, StringComparison.Ordinal); // the name only feeds the blind index
        Assert.Contains("<title>Dossier – Informatiedeling</title>", page, StringComparison.Ordinal);

        var reads = await hub.LogAsync(r => r.Operation == "case.read" && r.Case?.Value == pseudonym);
        var read = Assert.Single(reads).Record;
        Assert.Equal(AccessDecision.Partial, read.Decision);
        Assert.Equal("vt-pagina", read.ActorUser);
        Assert.Contains("melding.inhoud", read.FieldsReleased);
        Assert.Single(await hub.LogAsync(r => r.Operation == "case.intake" && r.Case?.Value == pseudonym && r.Decision == AccessDecision.Permit));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_case_without_standing_is_the_same_page_as_a_case_that_does_not_exist(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        using var gemeente = await SignInAsync(hub, "gemeente", "gem-pagina");
        foreach (var query in new[] { "", "?doel=signalering-en-weging", "?doel=acute-veiligheid", "?doel=onzin" })
        {
            using var held = await gemeente.GetAsync(new Uri($"/zaken/{pseudonym}{query}", UriKind.Relative));
            using var none = await gemeente.GetAsync(new Uri($"/zaken/cs-00000000000000000000000000{query}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, held.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
            Assert.Equal(Mask(await none.Content.ReadAsStringAsync()), Mask(await held.Content.ReadAsStringAsync()));
        }

        using var work = await gemeente.GetAsync(new Uri($"/zaken/{pseudonym}/bijwerken", UriKind.Relative));
        using var workNone = await gemeente.GetAsync(new Uri("/zaken/cs-00000000000000000000000000/bijwerken", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, work.StatusCode);
        Assert.Equal(Mask(await workNone.Content.ReadAsStringAsync()), Mask(await work.Content.ReadAsStringAsync()));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_post_without_its_antiforgery_token_is_refused_and_changes_nothing(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        using var vt = await SignInAsync(hub, "veilig-thuis", "vt-pagina");
        var form = await FormAsync(vt, "/melding");
        form.Remove("__af");
        form["naam"] = "Fictief Zonder Token";
        form["geboortedatum"] = "1991-03-04";
        form["veld:melding.inhoud"] = "Fictief signaal";
        using var posted = await vt.PostAsync(new Uri("/melding", UriKind.Relative), new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Empty(await hub.LogAsync(r => r.Operation == "case.intake"));

        // And a forged token, the signed-in person's cookie notwithstanding.
        form["__af"] = "CfDJ8-forged";
        using var forged = await vt.PostAsync(new Uri("/melding", UriKind.Relative), new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Empty(await hub.LogAsync(r => r.Operation == "case.intake"));

        // A browser is told in Dutch what happened and what to do, and nothing of what was typed comes back.
        using var browserPost = new HttpRequestMessage(HttpMethod.Post, "/melding") { Content = new FormUrlEncodedContent(form) };
        browserPost.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
        using var refused = await vt.SendAsync(browserPost);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Het formulier kon niet worden verwerkt</h1>", page, StringComparison.Ordinal);
        Assert.Contains("Er is niets opgeslagen of gewijzigd.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Fictief Zonder Token", page, StringComparison.Ordinal);
        Assert.Contains("Content-Security-Policy", string.Join(' ', refused.Headers.Select(h => h.Key)), StringComparison.Ordinal);
        Assert.Empty(await hub.LogAsync(r => r.Operation == "case.intake"));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_prosecutor_places_sees_and_lifts_a_legal_hold_on_the_page_and_a_care_coordinator_is_refused_in_plain_words(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        await hub.MoveToAsync(pseudonym, "uitvoering");
        var page = $"/zaken/{pseudonym}/bijwerken";
        using var om = await SignInAsync(hub, "om", "om-pagina");

        // Incomplete (no end date): said beside the field in Dutch, what was typed stays in the form, and nothing reaches the broker.
        var form = await FormAsync(om, page);
        form["reden"] = "Fictieve strafzaak 12/345";
        using (var refused = await om.PostAsync(new Uri($"{page}?handler=Bewaarplicht", UriKind.Relative), new FormUrlEncodedContent(form)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var shown = await refused.Content.ReadAsStringAsync();
            Assert.Contains(">Fictieve strafzaak 12/345</textarea>", shown, StringComparison.Ordinal);
            Assert.Contains("<span class=\"field-error\" id=\"bewaarplicht-tot-fout\">Vul in tot en met welke dag de bewaarplicht geldt.</span>", shown, StringComparison.Ordinal);
            Assert.Contains("aria-describedby=\"bewaarplicht-tot-fout\" aria-invalid=\"true\"", shown, StringComparison.Ordinal);
        }

        form["tot"] = DateTime.UtcNow.AddDays(60).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using (var placed = await om.PostAsync(new Uri($"{page}?handler=Bewaarplicht", UriKind.Relative), new FormUrlEncodedContent(form)))
        {
            Assert.Equal(HttpStatusCode.OK, placed.StatusCode);
            var done = await placed.Content.ReadAsStringAsync();
            Assert.Contains("De bewaarplicht is vastgelegd.", done, StringComparison.Ordinal);
            Assert.DoesNotContain("Fictieve strafzaak", done, StringComparison.Ordinal); // a form that succeeded starts empty again
        }

        // An invitation refused to the prosecutor keeps the partner and date chosen.
        var invite = await FormAsync(om, page);
        invite["partner"] = "coa";
        invite["tot"] = "2031-01-31";
        using (var refusedInvite = await om.PostAsync(new Uri($"{page}?handler=Uitnodigen", UriKind.Relative), new FormUrlEncodedContent(invite)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refusedInvite.StatusCode);
            var kept = await refusedInvite.Content.ReadAsStringAsync();
            Assert.Contains("<option value=\"coa\" selected=\"selected\">", kept, StringComparison.Ordinal);
            Assert.Contains("value=\"2031-01-31\"", kept, StringComparison.Ordinal);
        }

        var listed = await om.GetStringAsync(new Uri($"{page}?handler=Bewaarplichten", UriKind.Relative));
        Assert.Contains("<td>Openbaar Ministerie</td>", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("Fictieve strafzaak", listed, StringComparison.Ordinal); // the reason stays sealed
        var id = Regex.Match(listed, "name=\"bewaarplicht\" value=\"([0-9a-f-]{36})\"").Groups[1].Value;
        Assert.NotEmpty(id);
        var lift = await FormAsync(om, $"{page}?handler=Bewaarplichten");
        lift["bewaarplicht"] = id;
        using (var lifted = await om.PostAsync(new Uri($"{page}?handler=Opheffen", UriKind.Relative), new FormUrlEncodedContent(lift)))
        {
            Assert.Equal(HttpStatusCode.OK, lifted.StatusCode);
            Assert.Contains("De bewaarplicht is opgeheven.", await lifted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Contains("Op dit dossier geldt geen bewaarplicht.", await om.GetStringAsync(new Uri($"{page}?handler=Bewaarplichten", UriKind.Relative)), StringComparison.Ordinal);

        using var zc = await SignInAsync(hub, "zorgcoordinatie", "zc-pagina");
        using var asked = await zc.GetAsync(new Uri($"{page}?handler=Bewaarplichten", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, asked.StatusCode);
        var refusal = await asked.Content.ReadAsStringAsync();
        Assert.Contains("Niet toegestaan volgens het convenant", refusal, StringComparison.Ordinal);
        Assert.Contains("is alleen voor", refusal, StringComparison.Ordinal);
        Assert.Contains("handeling-bewaarplicht-opheffen", refusal, StringComparison.Ordinal);

        var operations = (await hub.LogAsync(r => r.Case?.Value == pseudonym && r.Operation!.StartsWith("legal-hold.", StringComparison.Ordinal), everyKind: true))
            .Select(r => (r.Record.Operation, r.Record.Decision)).ToList();
        Assert.Equal(
            [("legal-hold.place", AccessDecision.Permit), ("legal-hold.list", AccessDecision.Permit),
             ("legal-hold.list", AccessDecision.Permit), ("legal-hold.lift", AccessDecision.Permit), ("legal-hold.list", AccessDecision.Permit),
             ("legal-hold.list", AccessDecision.Deny)],
            operations);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task After_closure_the_prosecutor_without_a_role_in_the_last_step_still_places_a_hold_on_the_page_and_sees_nothing_else(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        var pseudonym = await hub.NewCaseAsync();
        await hub.MoveToAsync(pseudonym, "nazorg"); // the OM holds A in uitvoering and no role in nazorg
        await hub.OkAsync("zvh", HttpMethod.Post, $"/cases/{pseudonym}/closure", new { reason = "afgerond" });
        var page = $"/zaken/{pseudonym}/bijwerken";
        using var om = await SignInAsync(hub, "om", "om-pagina");
        var shown = await om.GetStringAsync(new Uri(page, UriKind.Relative));
        Assert.Contains("U hebt in de huidige stap geen rol op dit dossier", shown, StringComparison.Ordinal);
        Assert.Contains("Op dit dossier geldt geen bewaarplicht.", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("Stap afronden", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("Dossier sluiten", shown, StringComparison.Ordinal);

        var form = await FormAsync(om, page);
        form["reden"] = "Fictieve vervolging 34/567";
        form["tot"] = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var placed = await om.PostAsync(new Uri($"{page}?handler=Bewaarplicht", UriKind.Relative), new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.OK, placed.StatusCode);
        var after = await placed.Content.ReadAsStringAsync();
        Assert.Contains("De bewaarplicht is vastgelegd.", after, StringComparison.Ordinal);
        Assert.Contains("<td>Openbaar Ministerie</td>", after, StringComparison.Ordinal);

        // A partner with no standing in any step (a shell partner never invited) gets the page of a case that does not exist.
        using var ggd = await SignInAsync(hub, "ggd", "ggd-pagina");
        using var held = await ggd.GetAsync(new Uri(page, UriKind.Relative));
        using var none = await ggd.GetAsync(new Uri("/zaken/cs-00000000000000000000000000/bijwerken", UriKind.Relative));
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (held.StatusCode, none.StatusCode));
        Assert.Equal(Mask(await none.Content.ReadAsStringAsync()), Mask(await held.Content.ReadAsStringAsync()));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task An_error_without_a_page_of_its_own_is_a_Dutch_page_for_a_browser_and_problem_JSON_for_a_system(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        using var vt = await SignInAsync(hub, "veilig-thuis", "vt-pagina");
        using var asPage = new HttpRequestMessage(HttpMethod.Get, "/bestaat-niet");
        asPage.Headers.Accept.ParseAdd("text/html");
        using var page = await vt.SendAsync(asPage);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<title>Pagina niet gevonden – Informatiedeling</title>", html, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"nl\">", html, StringComparison.Ordinal);

        using var asSystem = new HttpRequestMessage(HttpMethod.Get, "/bestaat-niet");
        asSystem.Headers.Accept.ParseAdd("application/json");
        using var problem = await vt.SendAsync(asSystem);
        Assert.Equal(HttpStatusCode.NotFound, problem.StatusCode);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);

        // Opened directly, the error page answers with the status it names, and a code out of range is a page not found.
        using var direct = await vt.GetAsync(new Uri("/fout/429", UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, direct.StatusCode);
        using var odd = await vt.GetAsync(new Uri("/fout/200", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, odd.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task My_access_history_shows_my_own_records_newest_first_and_its_own_view_on_the_next_one(string engine)
    {
        await using var hub = await CaseHub.StartAsync(engine);
        using var vt = await SignInAsync(hub, "veilig-thuis", "vt-inzage");
        var form = await FormAsync(vt, "/melding");
        form["naam"] = "Fictief Inzagepersoon";
        form["geboortedatum"] = "1990-01-02";
        form["veld:melding.inhoud"] = "Fictief signaal voor de inzage";
        using var posted = await vt.PostAsync(new Uri("/melding", UriKind.Relative), new FormUrlEncodedContent(form));
        var pseudonym = Pseudonym().Match(posted.Headers.Location!.OriginalString).Value;
        await vt.GetStringAsync(new Uri($"/zaken/{pseudonym}?doel=signalering-en-weging", UriKind.Relative));

        var first = await vt.GetStringAsync(new Uri("/mijn-inzage", UriKind.Relative));
        Assert.Contains("<title>Mijn inzage – Informatiedeling</title>", first, StringComparison.Ordinal);
        Assert.Contains("Melding aangenomen", first, StringComparison.Ordinal);
        Assert.Contains("Gegevens van een dossier ingezien", first, StringComparison.Ordinal);
        Assert.Contains($"<code>{pseudonym}</code>", first, StringComparison.Ordinal);
        Assert.Contains("signalering-en-weging", first, StringComparison.Ordinal);
        Assert.Contains("deels toegestaan", first, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/mijn-inzage\">Mijn inzage</a>", first, StringComparison.Ordinal); // in the menu
        Assert.DoesNotContain("Fictief signaal voor de inzage", first, StringComparison.Ordinal); // what happened, never what was in it
        var rows = Row().Matches(first).Select(m => m.Value).ToList();
        Assert.Contains("Mijn inzage bekeken", rows[0], StringComparison.Ordinal); // the view itself, newest first
        Assert.Contains("Gegevens van een dossier ingezien", rows[1], StringComparison.Ordinal);
        var second = await vt.GetStringAsync(new Uri("/mijn-inzage", UriKind.Relative));
        Assert.Equal(2, Row().Matches(second).Count(m => m.Value.Contains("Mijn inzage bekeken", StringComparison.Ordinal)));

        // Another employee of the same organisation sees none of it, and the start page links the history.
        using var colleague = await SignInAsync(hub, "veilig-thuis", "vt-collega");
        var theirs = await colleague.GetStringAsync(new Uri("/mijn-inzage", UriKind.Relative));
        Assert.DoesNotContain(pseudonym, theirs, StringComparison.Ordinal);
        Assert.Single(Row().Matches(theirs));
        Assert.Contains("href=\"/mijn-inzage\"", await colleague.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);

        // Older records through the opaque cursor only; one that was not given is refused on the page, recorded.
        using var bad = await vt.GetAsync(new Uri("/mijn-inzage?cursor=vt-inzage", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var views = await hub.LogAsync(r => r.Operation == "access-log.mine", everyKind: true);
        Assert.Equal(4, views.Count);
        Assert.Equal(3, views.Count(r => r.Record.Kind == AccessEventKind.LogRead));
    }

    [Fact]
    public async Task Every_page_carries_the_strict_policy_and_the_api_takes_no_session_cookie()
    {
        await using var hub = await CaseHub.StartAsync("sqlite");
        using var vt = await SignInAsync(hub, "veilig-thuis", "vt-pagina");
        foreach (var path in new[] { "/", "/melding", "/mijn-inzage", "/zaken/cs-00000000000000000000000000", "/aanmelden" })
        {
            using var answer = await vt.GetAsync(new Uri(path, UriKind.Relative));
            var policy = string.Join(' ', answer.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
            Assert.Contains("style-src 'self'", policy, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
            Assert.Equal("nosniff", Assert.Single(answer.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-store", answer.Headers.CacheControl?.ToString());
            var html = await answer.Content.ReadAsStringAsync();
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(" style=", html, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("<html lang=\"nl\">", html, StringComparison.Ordinal);
        }

        // The session signs in pages only: the API answers a request that carries just the cookie as unauthenticated.
        using var api = await vt.GetAsync(new Uri("/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);

        // And a page takes no bearer token: without a session it sends the person to sign in.
        using var anonymous = hub.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var withToken = new HttpRequestMessage(HttpMethod.Get, "/");
        withToken.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await hub.TokenAsync("veilig-thuis"));
        using var redirected = await anonymous.SendAsync(withToken);
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.StartsWith("/aanmelden", redirected.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    public static TheoryData<string> Engines => [.. CaseHub.Engines];

    /// <summary>A client signed in through the development sign-in form, with its cookies.</summary>
    internal static async Task<HttpClient> SignInAsync(CaseHub hub, string partner, string user)
    {
        var client = hub.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await FormAsync(client, "/aanmelden");
        form["Partner"] = partner;
        form["Gebruiker"] = user;
        using var content = new FormUrlEncodedContent(form);
        using var signedIn = await client.PostAsync(new Uri("/aanmelden", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }

    /// <summary>The page's antiforgery field, as a form to fill in.</summary>
    internal static async Task<Dictionary<string, string>> FormAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(new Uri(path, UriKind.Relative));
        return new Dictionary<string, string>(StringComparer.Ordinal) { ["__af"] = WebUtility.HtmlDecode(Antiforgery().Match(html).Groups[1].Value) };
    }

    /// <summary>The page without what differs per request (antiforgery tokens) and the pseudonym asked for.</summary>
    private static string Mask(string html) => Pseudonym().Replace(Antiforgery().Replace(html, "__af"), "cs-…");

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]*)\"")]
    private static partial Regex Antiforgery();

    [GeneratedRegex("<tr>\\s*<td><time.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex Row();

    [GeneratedRegex("cs-[0-9a-z]{26}")]
    private static partial Regex Pseudonym();
}
