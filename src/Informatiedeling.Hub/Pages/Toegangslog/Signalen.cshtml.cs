using System.Globalization;
using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.LogReview;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Toegangslog;

/// <summary>
/// "Signalen": the flags on the access log for a time window (the API's <c>GET /access-log/flags</c>, the same code and
/// the same record of the read), grouped per kind, each linking to the search of its case or employee.
/// </summary>
internal sealed class SignalenModel(PolicyHolder policy, LogFlags flags) : Web.HubPageModel(policy)
{
    private static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl-NL");

    /// <summary>The kinds of flag in Dutch, in the order the page lists them.</summary>
    public static readonly (string Kind, string Heading, string Explanation)[] Kinds =
    [
        (LogFlags.Denial, "Weigeringen", "Verzoeken die volgens het convenant zijn geweigerd."),
        (LogFlags.AfterClosure, "Inzage na sluiten", "Verzoeken over een dossier nadat het was gesloten."),
        (LogFlags.ShellLastDay, "Schilpartner op laatste dag van uitnodiging", "Verzoeken van een uitgenodigde partner uit de flexibele schil in het laatste etmaal van de uitnodiging."),
        (LogFlags.Bulk, "Bulkinzage", "Medewerkers die binnen één uur meer verschillende dossiers raadpleegden dan is ingesteld."),
        (LogFlags.Emergency, "Noodtoegang", "Vrijgaven met een beroep op acute veiligheid; elk moet worden beoordeeld."),
        (LogFlags.LogRead, "Inzage van het toegangslog", "Wie het toegangslog zelf heeft ingezien."),
    ];

    [BindProperty(SupportsGet = true, Name = "from")]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true, Name = "to")]
    public string? To { get; set; }

    public AccessFlagReport? Report { get; private set; }

    public Web.PageProblem? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var answer = await flags.FlagsAsync(User, From, To, cancellationToken);
        switch (answer.Result)
        {
            case Ok<AccessFlagReport> ok:
                Report = ok.Value;
                break;
            case ProblemAnswer problem:
                Problem = Explain(problem);
                Response.StatusCode = problem.StatusCode;
                break;
        }

        return Page();
    }

    public IEnumerable<AccessFlag> Of(string kind) => Report?.Flags.Where(f => f.Kind == kind) ?? [];

    public AccessFlagCount? CountOf(string kind) => Report?.Counts.FirstOrDefault(c => c.Kind == kind);

    /// <summary>When, in Dutch and in Dutch time.</summary>
    public static string When(DateTimeOffset at) => Web.PageText.When(at, seconds: false);

    /// <summary>The instant as a machine reads it, for the <c>time</c> element.</summary>
    public static string Instant(DateTimeOffset at) => Web.PageText.Instant(at);

    /// <summary>A day in the Netherlands, for the window form's date fields.</summary>
    public static string Day(DateTimeOffset at) => Web.PageText.Day(at);

    public static string DecisionText(string? decision) => Web.PageText.DecisionText(decision);

    /// <summary>The search of one case's records.</summary>
    public static string CaseLink(string pseudonym) => "/toegangslog/zaak/" + Uri.EscapeDataString(pseudonym);

    /// <summary>The search of one employee's records: partner and user id in the query, as the employee view takes them.</summary>
    public static string EmployeeLink(string partner, string user) =>
        LogPageModel.EmployeeLink(partner, user);

    public static string Number(int value) => value.ToString(Dutch);
}
