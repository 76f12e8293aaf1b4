using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Hub.Retention;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Zaken;

/// <summary>
/// Working on a case: weighings, writing fields under a purpose, finishing the step, process direction (RASCI per
/// step, invitations with an end date, withdrawing one), closure, legal holds. Every form posts to a handler that calls
/// the API's broker for that action and shows its answer: the convenant decides, the access log records, and a
/// refusal is shown in plain words with its rule and article. What was typed stays in the form when it is refused.
/// </summary>
internal sealed class BijwerkenModel(
    PolicyHolder policy, CaseSummaries summaries, CaseWrites writes, CaseProcess process, CaseDirection direction, LegalHoldBroker holds)
    : Web.HubPageModel(policy)
{
    public string Pseudonym { get; private set; } = "";

    public CaseSummary? Summary { get; private set; }

    public string? Done { get; private set; }

    public Web.PageProblem? Problem { get; private set; }

    /// <summary>Which form the answer belongs to, so it is shown beside that form.</summary>
    public string? Form { get; private set; }

    /// <summary>The caller holds no role in the current step but may place and lift legal holds: only that part is shown.</summary>
    public bool HoldsOnly { get; private set; }

    /// <summary>The legal holds in force, once asked for (<see cref="OnGetBewaarplichtenAsync"/>).</summary>
    public IReadOnlyList<CaseLegalHold>? Holds { get; private set; }

    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public IEnumerable<FieldDefinition> SectionFields(string section) => Set.Fields.Where(f => f.Section == section);

    /// <summary>The sections written under a purpose (the weighings have their own form; the person and report are taken in).</summary>
    public static readonly string[] WritableSections = ["plan-van-aanpak", "voortgang", "afsluiting"];

    /// <summary>
    /// What was posted in <paramref name="name"/> of <paramref name="form"/>, shown again in that form after the answer so
    /// that nothing typed is lost (it is in the body of the post and the page, never in the address); null otherwise,
    /// and null once the form succeeded.
    /// </summary>
    public string? Kept(string form, string name) =>
        Form == form && Done is null && Request.HasFormContentType && Request.Form.TryGetValue(name, out var value) ? value.ToString() : null;

    /// <summary>What the answer partial shows beside one form.</summary>
    public (string Form, BijwerkenModel Page) AnswerFor(string form) => (form, this);

    public Web.FieldInput Input(FieldDefinition field) => new(field, Values.GetValueOrDefault(field.Id), Errors.GetValueOrDefault(field.Id));

    public IEnumerable<string> CorePartners => Partners(shell: false);

    public IEnumerable<string> ShellPartners => Partners(shell: true);

    public async Task<IActionResult> OnGetAsync(string pseudonym, CancellationToken cancellationToken) =>
        await LoadAsync(pseudonym, cancellationToken) ? Page() : NotFoundPage();

    public Task<IActionResult> OnPostStapAsync(string pseudonym, [FromForm(Name = "van")] string? from, CancellationToken cancellationToken) =>
        ActAsync(pseudonym, "stap", c => process.FinishStepAsync(User, pseudonym, new StepRequest(from), c), "De stap is afgerond.", cancellationToken);

    public Task<IActionResult> OnPostWegingAsync(string pseudonym, [FromForm(Name = "weging")] string? weighing, CancellationToken cancellationToken)
    {
        var fields = Web.FieldForm.Read(Request.Form, weighing is null ? [] : SectionFields(weighing), Values, Errors);
        return ActAsync(pseudonym, "weging", c => writes.WeighAsync(User, pseudonym, new WeighingRequest(weighing, fields), c), "De weging is vastgelegd.", cancellationToken);
    }

    public Task<IActionResult> OnPostVeldenAsync(string pseudonym, [FromForm(Name = "doel")] string? purpose, CancellationToken cancellationToken)
    {
        var fields = Web.FieldForm.Read(Request.Form, WritableSections.SelectMany(SectionFields), Values, Errors);
        return ActAsync(pseudonym, "velden", c => writes.WriteFieldsAsync(User, pseudonym, new FieldsRequest(purpose, fields), c), "De gegevens zijn vastgelegd.", cancellationToken);
    }

    public Task<IActionResult> OnPostRasciAsync(string pseudonym, [FromForm(Name = "stap")] string? step, CancellationToken cancellationToken)
    {
        var assignments = CorePartners
            .Select(p => (Partner: p, Role: Request.Form["rol:" + p].ToString()))
            .Where(a => a.Role.Length > 0)
            .ToDictionary(a => a.Partner, a => a.Role, StringComparer.Ordinal);
        return ActAsync(pseudonym, "rasci", c => direction.SetRolesAsync(User, pseudonym, step ?? "", new RasciRequest(assignments), c), "De rollen van de stap zijn ingesteld.", cancellationToken);
    }

    public Task<IActionResult> OnPostUitnodigenAsync(
        string pseudonym, [FromForm(Name = "partner")] string? partner, [FromForm(Name = "tot")] DateOnly? until, CancellationToken cancellationToken)
    {
        RequireFutureDate("uitnodigen-tot", until, "Vul in tot en met welke dag de uitnodiging geldt; daarna heeft de partner geen rol meer.");
        return ActAsync(pseudonym, "uitnodigen", c => direction.InviteAsync(User, pseudonym, new InvitationRequest(partner, EndOf(until)), c),
            "De partner is uitgenodigd.", cancellationToken);
    }

    public Task<IActionResult> OnPostIntrekkenAsync(string pseudonym, [FromForm(Name = "partner")] string? partner, CancellationToken cancellationToken) =>
        ActAsync(pseudonym, "intrekken", c => direction.WithdrawAsync(User, pseudonym, partner ?? "", c), "De uitnodiging is ingetrokken.", cancellationToken);

    public Task<IActionResult> OnPostSluitenAsync(string pseudonym, [FromForm(Name = "reden")] string? reason, CancellationToken cancellationToken) =>
        ActAsync(pseudonym, "sluiten", c => process.CloseAsync(User, pseudonym, new ClosureRequest(reason), c), "Het dossier is gesloten.", cancellationToken);

    public Task<IActionResult> OnPostBewaarplichtAsync(
        string pseudonym, [FromForm(Name = "reden")] string? reason, [FromForm(Name = "tot")] DateOnly? until, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            Errors["bewaarplicht-reden"] = "Vul de reden in: het onderzoek of de vervolging waarvoor het dossier bewaard moet blijven.";
        }

        RequireFutureDate("bewaarplicht-tot", until, "Vul in tot en met welke dag de bewaarplicht geldt.");
        return ActAsync(pseudonym, "bewaarplicht", c => holds.PlaceAsync(User, pseudonym, new LegalHoldRequest(reason, EndOf(until)), c),
            "De bewaarplicht is vastgelegd.", cancellationToken);
    }

    /// <summary>The holds in force, shown on request only: seeing them is decided and recorded as lifting them is.</summary>
    public async Task<IActionResult> OnGetBewaarplichtenAsync(string pseudonym, CancellationToken cancellationToken)
    {
        Form = "bewaarplichten";
        if (!await LoadAsync(pseudonym, cancellationToken))
        {
            return NotFoundPage();
        }

        if (HoldsOnly)
        {
            return Page(); // listed while loading
        }

        var answer = (await holds.ListAsync(User, pseudonym, cancellationToken)).Result;
        if (answer is Ok<IReadOnlyList<CaseLegalHold>> list)
        {
            Holds = list.Value;
        }
        else if (answer is ProblemAnswer problem)
        {
            if (problem.StatusCode == StatusCodes.Status404NotFound)
            {
                return NotFoundPage();
            }

            Problem = Explain(problem);
            Response.StatusCode = problem.StatusCode;
        }

        return Page();
    }

    public Task<IActionResult> OnPostOpheffenAsync(string pseudonym, [FromForm(Name = "bewaarplicht")] string? id, CancellationToken cancellationToken) =>
        ActAsync(pseudonym, "bewaarplichten", c => holds.LiftAsync(User, pseudonym, id ?? "", c), "De bewaarplicht is opgeheven.", cancellationToken);

    /// <summary>
    /// What a person must fill in before the form goes to the broker at all, said in Dutch beside the field; the broker
    /// still checks and decides everything (its limits, the convenant) when the form is complete.
    /// </summary>
    private void RequireFutureDate(string field, DateOnly? day, string missing)
    {
        if (day is null)
        {
            Errors[field] = missing;
        }
        else if (day < DateOnly.FromDateTime(DateTime.UtcNow))
        {
            Errors[field] = "Kies een datum vanaf vandaag.";
        }
    }

    /// <summary>The error of a form field, or null: shown beside the field and tied to it (aria-describedby).</summary>
    public string? ErrorOf(string field) => Errors.GetValueOrDefault(field);

    /// <summary>A date typed in a form means until the end of that day, in UTC.</summary>
    private static DateTimeOffset? EndOf(DateOnly? day) =>
        day is { } d ? new DateTimeOffset(d.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddTicks(-1) : null;

    private IEnumerable<string> Partners(bool shell) =>
        Enumerable.Range(0, Vocabulary.Partners.Count)
            .Where(p => ((Vocabulary.InvitationRequired & (1UL << p)) != 0) == shell)
            .Select(p => Vocabulary.Partners.Names[p]);

    private async Task<IActionResult> ActAsync<TResult>(
        string pseudonym, string form, Func<CancellationToken, Task<TResult>> act, string done, CancellationToken cancellationToken)
        where TResult : IResult, INestedHttpResult
    {
        Form = form;
        if (Errors.Count == 0)
        {
            var answer = (await act(cancellationToken)).Result;
            if (answer is ProblemAnswer problem)
            {
                Problem = Explain(problem);
                Response.StatusCode = problem.StatusCode;
            }
            else
            {
                Done = done;
            }
        }
        else
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return await LoadAsync(pseudonym, cancellationToken) || Done is not null ? Page() : NotFoundPage();
    }

    private async Task<bool> LoadAsync(string pseudonym, CancellationToken cancellationToken)
    {
        Pseudonym = pseudonym;
        Summary = ((await summaries.GetAsync(User, pseudonym, cancellationToken)).Result as Ok<CaseSummary>)?.Value;
        if (Summary is null && (await holds.ListAsync(User, pseudonym, cancellationToken)).Result is Ok<IReadOnlyList<CaseLegalHold>> list)
        {
            // No role in the current step, but standing for legal holds in another (the public prosecutor after closure):
            // the page offers the holds and nothing else of the case, as the API does.
            HoldsOnly = true;
            Holds = list.Value;
        }

        return Summary is not null || HoldsOnly;
    }

    private IActionResult NotFoundPage()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        Summary = null;
        Problem = new Web.PageProblem("Niet gevonden", "Er is geen dossier met dit kenmerk dat u mag zien.", null, null, []);
        return Page();
    }
}
