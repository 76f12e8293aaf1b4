using System.Globalization;
using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.AccessHistory;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages;

/// <summary>
/// "Mijn inzage": the signed-in employee's own access history, newest first (the API's <c>GET /access-log/mine</c>,
/// the same code and the same record of the read). Only the opaque cursor travels in the URL; who is asked about
/// is the sign-in's user, never a parameter.
/// </summary>
internal sealed class MijnInzageModel(PolicyHolder policy, MyAccessHistory history) : Web.HubPageModel(policy)
{
    private static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl-NL");
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Amsterdam", out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>The operations of the hub in plain Dutch; an operation without a name here is shown as it is recorded.</summary>
    private static readonly Dictionary<string, string> Operations = new(StringComparer.Ordinal)
    {
        ["case.intake"] = "Melding aangenomen",
        ["case.add-report"] = "Melding toegevoegd aan een dossier",
        ["case.list"] = "Mijn zaken bekeken",
        ["case.summary"] = "Overzicht van een dossier bekeken",
        ["case.read"] = "Gegevens van een dossier ingezien",
        ["case.write"] = "Gegevens van een dossier vastgelegd",
        ["case.weighing"] = "Weging vastgelegd",
        ["case.step"] = "Dossier naar een volgende stap gezet",
        ["case.close"] = "Dossier gesloten",
        ["case.rasci"] = "Rollen in een stap vastgesteld",
        ["case.invite"] = "Partner uitgenodigd",
        ["case.invite-withdraw"] = "Uitnodiging ingetrokken",
        ["monitoring.read"] = "Monitoringcijfers opgevraagd",
        ["retention.holds.read"] = "Alle bewaarplichten ingezien",
        ["legal-hold.place"] = "Bewaarplicht vastgelegd",
        ["legal-hold.lift"] = "Bewaarplicht opgeheven",
        ["legal-hold.list"] = "Bewaarplichten van een dossier bekeken",
        ["retention.purge-notices.read"] = "Meldingen van vernietiging ingezien",
        ["retention.upcoming.read"] = "Komende vernietigingen ingezien",
        ["access-log.read"] = "Toegangslog ingezien",
        ["access-log.mine"] = "Mijn inzage bekeken",
    };

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    public MyAccessPage? History { get; private set; }

    public Web.PageProblem? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var answer = await history.ListAsync(User, string.IsNullOrWhiteSpace(Cursor) ? null : Cursor, null, cancellationToken);
        switch (answer.Result)
        {
            case Ok<MyAccessPage> ok:
                History = ok.Value;
                break;
            case ProblemAnswer problem:
                Problem = Explain(problem);
                Response.StatusCode = problem.StatusCode;
                break;
        }

        return Page();
    }

    /// <summary>When, in Dutch and in Dutch time.</summary>
    public static string When(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("d MMMM yyyy HH:mm:ss", Dutch);

    /// <summary>The instant as a machine reads it, for the <c>time</c> element.</summary>
    public static string Instant(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static string What(string? operation) =>
        operation is null ? "—" : Operations.TryGetValue(operation, out var name) ? name : operation;

    public static string DecisionText(string? decision) => decision switch
    {
        "permit" => "toegestaan",
        "partial" => "deels toegestaan",
        "deny" => "geweigerd",
        "error" => "niet verwerkt",
        null => "—",
        var other => other,
    };

    /// <summary>The link to older records: the opaque cursor only.</summary>
    public static string OlderLink(string next) => "/mijn-inzage?cursor=" + Uri.EscapeDataString(next);
}
