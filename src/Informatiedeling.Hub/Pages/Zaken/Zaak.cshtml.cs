using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Zaken;

/// <summary>
/// A case: its summary for anyone standing on it, and its data under a purpose chosen first. The summary and the
/// read are the API's brokers (<see cref="CaseSummaries"/>, <see cref="CaseBroker"/>), so the page shows exactly what
/// the convenant releases, records exactly what the API records, and a case without standing is the same "not
/// found" as one that does not exist. A purpose that needs a written justification (the emergency read) is read
/// only from a posted form, so the justification never travels in a URL.
/// </summary>
internal sealed class ZaakModel(PolicyHolder policy, CaseSummaries summaries, CaseBroker cases) : Web.HubPageModel(policy)
{
    public string Pseudonym { get; private set; } = "";

    public CaseSummary? Summary { get; private set; }

    public CaseData? Data { get; private set; }

    public Web.PageProblem? Problem { get; private set; }

    [BindProperty(SupportsGet = true, Name = "doel")]
    public string? Purpose { get; set; }

    [BindProperty(Name = "verantwoording")]
    public string? Justification { get; set; }

    /// <summary>The chosen purpose needs a written justification, and none was posted yet.</summary>
    public bool NeedsJustification { get; private set; }

    public async Task<IActionResult> OnGetAsync(string pseudonym, CancellationToken cancellationToken)
    {
        Pseudonym = pseudonym;
        if (string.IsNullOrWhiteSpace(Purpose))
        {
            return await SummaryAsync(cancellationToken) ? Page() : NotFoundPage();
        }

        if (Engine.RequiresJustification(Purpose))
        {
            NeedsJustification = true;
            return await SummaryAsync(cancellationToken) ? Page() : NotFoundPage();
        }

        // With a purpose chosen the read alone answers (one decision, one record): its answer carries step and status,
        // and some purposes release to partners without a role in the current step (evaluatie on a closed case).
        return await ReadAsync(null, cancellationToken) ? Page() : NotFoundPage();
    }

    /// <summary>The emergency read: the justification comes in the form's body and is sealed in the access log with the read.</summary>
    public async Task<IActionResult> OnPostAsync(string pseudonym, CancellationToken cancellationToken)
    {
        Pseudonym = pseudonym;
        if (string.IsNullOrWhiteSpace(Justification) || string.IsNullOrWhiteSpace(Purpose))
        {
            NeedsJustification = true;
            ModelState.AddModelError("verantwoording", "Schrijf op waarom u deze gegevens nu nodig hebt.");
            return await SummaryAsync(cancellationToken) ? Page() : NotFoundPage();
        }

        return await ReadAsync(Justification, cancellationToken) ? Page() : NotFoundPage();
    }

    /// <summary>The purposes the convenant knows, with their article, for the choice.</summary>
    public IEnumerable<(string Id, string Article)> Purposes =>
        Vocabulary.PurposeDefinitions.Select(p => (p.Name, p.Article));

    /// <summary>Released fields by category, in the catalogue's order, with their labels.</summary>
    public IEnumerable<IGrouping<string, (string Label, string Value)>> ReleasedByCategory() =>
        Set.Fields.Where(f => Data!.Fields.ContainsKey(f.Id))
            .Select(f => (Category: Vocabulary.Categories.Names[f.Category], f.Label, Value: Data!.Fields[f.Id]))
            .GroupBy(f => f.Category, f => (f.Label, f.Value));

    public string Label(string field) => Set.FindField(field)?.Label ?? field;

    private async Task<bool> SummaryAsync(CancellationToken cancellationToken)
    {
        var answer = await summaries.GetAsync(User, Pseudonym, cancellationToken);
        Summary = (answer.Result as Ok<CaseSummary>)?.Value;
        return Summary is not null;
    }

    /// <summary>Reads under the chosen purpose; false when the broker answered as for a case that is not there.</summary>
    private async Task<bool> ReadAsync(string? justification, CancellationToken cancellationToken)
    {
        var answer = await cases.ReadAsync(User, Pseudonym, new ReadQuestion(Purpose, null, null, justification), cancellationToken);
        switch (answer.Result)
        {
            case Ok<CaseData> ok:
                Data = ok.Value;
                return true;
            case ProblemAnswer { StatusCode: StatusCodes.Status404NotFound }:
                return false;
            case ProblemAnswer problem:
                Problem = Explain(problem);
                Response.StatusCode = problem.StatusCode;
                return true;
            default:
                return false;
        }
    }

    private IActionResult NotFoundPage()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        Problem = new Web.PageProblem("Niet gevonden", "Er is geen dossier met dit kenmerk dat u mag zien.", null, null, []);
        Summary = null;
        return Page();
    }
}
