using System.Globalization;
using System.Text;
using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.LogReview;
using Informatiedeling.Hub.Web;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Informatiedeling.Hub.Pages.Toegangslog;

/// <summary>
/// What the privacy officer's pages of search results share: the search through the API's own broker (the same
/// criteria, scope and record of the read), the answer in Dutch, and the way the pages write times and links.
/// </summary>
internal abstract class LogPageModel(PolicyHolder policy, LogSearch search) : HubPageModel(policy)
{
    /// <summary>The member names of the API's problems, in the words of the page's form.</summary>
    private static readonly Dictionary<string, string> Members = new(StringComparer.Ordinal)
    {
        ["case"] = "Dossier: vul een of meer dossierkenmerken in zoals de hub ze geeft, gescheiden door komma's (hoogstens 20).",
        ["partner"] = "Organisatie: kies een organisatie uit de lijst.",
        ["user"] = "Gebruiker: vul ook de organisatie in, want een gebruikersnaam is alleen binnen een organisatie uniek (hoogstens 128 tekens).",
        ["from"] = "Van: een datum zoals 2026-12-01.",
        ["to"] = "Tot en met: een datum zoals 2026-12-01, niet vóór de datum bij Van.",
        ["kind"] = "Soort: kies een soort uit de lijst.",
        ["decision"] = "Besluit: kies een besluit uit de lijst.",
        ["purpose"] = "Doel: kies een doel uit de lijst.",
        ["rule"] = "Regel: een regelkenmerk zoals R-DOEL-ZORG, alleen letters, cijfers en - _ . :",
        ["emergency"] = "Noodtoegang: kies ja of nee.",
        ["cursor"] = "De vervolgpagina is niet meer geldig; begin opnieuw bij de nieuwste.",
        ["limit"] = "Het aantal per pagina is niet geldig.",
    };

    public LogRecordPage? Results { get; private set; }

    public PageProblem? Problem { get; protected set; }

    /// <summary>The request the results answer, for the link to the next page.</summary>
    protected LogSearchRequest? Asked { get; private set; }

    protected async Task SearchAsync(LogSearchRequest request, CancellationToken cancellationToken)
    {
        Asked = request;
        var answer = await search.SearchAsync(User, request, cancellationToken);
        switch (answer.Result)
        {
            case Ok<LogRecordPage> ok:
                Results = ok.Value;
                break;
            case ProblemAnswer problem:
                Problem = ExplainLog(problem);
                Response.StatusCode = problem.StatusCode;
                break;
        }
    }

    /// <summary>An answer of the log's brokers as the privacy officer's pages say it.</summary>
    public static PageProblem ExplainLog(ProblemAnswer problem)
    {
        if (problem.StatusCode == StatusCodes.Status403Forbidden)
        {
            return new PageProblem(
                "Alleen voor de functionaris gegevensbescherming",
                problem.Value.Title == "Outside your organisation"
                    ? "Als functionaris gegevensbescherming van uw organisatie ziet u alleen wat de medewerkers van uw eigen organisatie deden."
                    : "Het toegangslog is in te zien door de functionaris gegevensbescherming (convenant art. 9.2), en door de functionaris van een partner voor de eigen medewerkers. Uw poging is vastgelegd.",
                null, null, []);
        }

        var explained = Explain(problem);
        var items = explained.Items.Select(Dutchify).Distinct(StringComparer.Ordinal).ToList();
        return explained with { Heading = "De zoekvraag is niet geldig", Detail = "Pas het volgende aan:", Items = items };
    }

    /// <summary>When, in Dutch and in Dutch time.</summary>
    public static string When(DateTimeOffset at) => Web.PageText.When(at);

    /// <summary>The instant as a machine reads it, for the <c>time</c> element.</summary>
    public static string Instant(DateTimeOffset at) => Web.PageText.Instant(at);

    /// <summary>The day (in the Netherlands) of an instant, as the day view's link takes it.</summary>
    public static string Day(DateTimeOffset at) => Web.PageText.Day(at);

    public static string DecisionText(string? decision) => Web.PageText.DecisionText(decision);

    public static string KindText(string kind) => kind switch
    {
        "access-decision" => "toegangsbesluit",
        "policy-published" => "beleid gepubliceerd",
        "role-assigned" => "rol toegekend",
        "invitation-given" => "uitnodiging",
        "key-rotated" => "sleutel vernieuwd",
        "key-destroyed" => "sleutel vernietigd",
        "purge" => "vernietiging",
        "legal-hold" => "bewaarplicht",
        "log-read" => "toegangslog ingezien",
        "log-resumed" => "toegangslog hervat",
        "policy-change" => "wijziging van de deelregels",
        var other => other,
    };

    public static string EmployeeLink(string partner, string user) =>
        $"/toegangslog/medewerker?organisatie={Uri.EscapeDataString(partner)}&gebruiker={Uri.EscapeDataString(user)}";

    /// <summary>The link to the page of older results: the same criteria, and the opaque cursor.</summary>
    public string OlderLink(string next)
    {
        var path = Request.Path.Value ?? "/toegangslog";
        var query = new StringBuilder();
        foreach (var (key, value) in Request.Query)
        {
            if (key != "cursor")
            {
                query.Append(query.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value.ToString()));
            }
        }

        return path + query.Append(query.Length == 0 ? '?' : '&').Append("cursor=").Append(Uri.EscapeDataString(next));
    }

    private static string Dutchify(string problem)
    {
        var start = problem.IndexOf('\'', StringComparison.Ordinal);
        var end = start < 0 ? -1 : problem.IndexOf('\'', start + 1);
        return end > start && Members.TryGetValue(problem[(start + 1)..end], out var dutch) ? dutch : problem;
    }
}
