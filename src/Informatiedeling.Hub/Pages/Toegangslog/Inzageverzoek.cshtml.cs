using System.Globalization;
using System.Text.Json;
using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.LogReview;
using Informatiedeling.Policy;
using Informatiedeling.Storage.AccessLog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Toegangslog;

/// <summary>
/// "Inzageverzoek": the data subject's report (AVG art. 15, CJEU C-579/21) for the privacy officer, by case pseudonym
/// or by name and date of birth; both are posted (the name never in an address) and call the API's broker, so the
/// same scope, the same refusals and the same record of the read apply. The result prints on its own (print.css) and
/// carries the signed checkpoint and the report as JSON, for <c>infodeel log verify-report</c>.
/// </summary>
internal sealed class InzageverzoekModel(PolicyHolder policy, SubjectReports reports) : Web.HubPageModel(policy)
{
    public SubjectReport? Report { get; private set; }

    /// <summary>The report as the API gives it, to keep and verify.</summary>
    public string? Json { get; private set; }

    public Web.PageProblem? Problem { get; private set; }

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>Why the employees may be named, in Dutch: the closed list of the broker.</summary>
    public static IReadOnlyDictionary<string, string> Reasons => SubjectReports.Reasons;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostKenmerkAsync([FromForm(Name = "kenmerk")] string? pseudonym, [FromForm(Name = "reden")] string? reason, CancellationToken cancellationToken)
    {
        Show(await reports.ForCaseAsync(User, new SubjectReportRequest(pseudonym, Given(reason)), cancellationToken));
        return Page();
    }

    public async Task<IActionResult> OnPostPersoonAsync(
        [FromForm(Name = "naam")] string? name, [FromForm(Name = "geboortedatum")] string? born, [FromForm(Name = "reden")] string? reason, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            Errors["naam"] = "Vul de volledige naam in.";
        }

        if (!DateOnly.TryParseExact(born, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            Errors["geboortedatum"] = "Vul de geboortedatum in.";
        }

        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        Show(await reports.ForPersonAsync(User, new SubjectReportPersonRequest(name!.Trim(), day, Given(reason)), cancellationToken));
        return Page();
    }

    private void Show(Microsoft.AspNetCore.Http.HttpResults.Results<Ok<SubjectReport>, BadRequestProblem, ForbiddenProblem, NotFoundProblem, ConflictProblem> answer)
    {
        switch (answer.Result)
        {
            case Ok<SubjectReport> ok:
                Report = ok.Value;
                Json = JsonSerializer.Serialize(ok.Value, SubjectReport.Json);
                break;
            case ProblemAnswer problem:
                Problem = Explain(problem);
                Response.StatusCode = problem.StatusCode;
                break;
        }
    }

    private static string? Given(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    /// <summary>A date in Dutch and in Dutch time.</summary>
    public static string When(DateTimeOffset at) => Web.PageText.When(at, seconds: false);

    public static string Instant(DateTimeOffset at) => Web.PageText.Instant(at);

    public static string List(IReadOnlyList<string> items) => items.Count == 0 ? "—" : string.Join(", ", items);

    public string Scope(string scope) => scope == "all" ? "alle partners" : $"alleen medewerkers van {PartnerName(scope)}";
}
