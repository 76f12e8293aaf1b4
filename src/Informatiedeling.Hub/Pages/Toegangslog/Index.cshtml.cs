using System.ComponentModel.DataAnnotations;
using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.LogReview;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Toegangslog;

/// <summary>
/// The privacy officer's search of the access log (the API's <c>GET /access-log/records</c>): criteria that combine,
/// in the URL only as identifiers (a pseudonym, a partner, a user id, dates, names of the convenant), never a person's
/// name; a person is found through the blind index by a POST whose name and date of birth go nowhere but the index.
/// </summary>
internal sealed class IndexModel(PolicyHolder policy, LogSearch search) : LogPageModel(policy, search)
{
    private readonly LogSearch _search = search;

    [BindProperty(SupportsGet = true, Name = "dossier")]
    public string? Dossier { get; set; }

    [BindProperty(SupportsGet = true, Name = "organisatie")]
    public string? Organisatie { get; set; }

    [BindProperty(SupportsGet = true, Name = "gebruiker")]
    public string? Gebruiker { get; set; }

    [BindProperty(SupportsGet = true, Name = "van")]
    public string? Van { get; set; }

    [BindProperty(SupportsGet = true, Name = "tot")]
    public string? Tot { get; set; }

    [BindProperty(SupportsGet = true, Name = "soort")]
    public string? Soort { get; set; }

    [BindProperty(SupportsGet = true, Name = "besluit")]
    public string? Besluit { get; set; }

    [BindProperty(SupportsGet = true, Name = "doel")]
    public string? Doel { get; set; }

    [BindProperty(SupportsGet = true, Name = "regel")]
    public string? Regel { get; set; }

    [BindProperty(SupportsGet = true, Name = "noodtoegang")]
    public string? Noodtoegang { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    [BindProperty, Required(ErrorMessage = "Vul de volledige naam in."), StringLength(300, ErrorMessage = "Een naam is hoogstens 300 tekens.")]
    public string? Naam { get; set; }

    [BindProperty, Required(ErrorMessage = "Vul de geboortedatum in.")]
    public DateOnly? Geboortedatum { get; set; }

    /// <summary>Whether the page was asked anything: without criteria it shows the newest records.</summary>
    public bool Searched => new[] { Dossier, Organisatie, Gebruiker, Van, Tot, Soort, Besluit, Doel, Regel, Noodtoegang }.Any(v => !string.IsNullOrWhiteSpace(v));

    /// <summary>After a search by person that found no file.</summary>
    public bool NoneFound { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await SearchAsync(new LogSearchRequest(Dossier, Organisatie, Gebruiker, Van, Tot, Soort, Besluit, Doel, Regel, Noodtoegang, string.IsNullOrWhiteSpace(Cursor) ? null : Cursor), cancellationToken);
        return Page();
    }

    /// <summary>A person through the blind index: on to the search by their files (pseudonyms only in the URL).</summary>
    public async Task<IActionResult> OnPostPersoonAsync(CancellationToken cancellationToken)
    {
        if (Naam is not null && Naam.Any(char.IsControl))
        {
            ModelState.AddModelError(nameof(Naam), "Een naam bevat geen stuurtekens.");
        }

        // Through the broker even when the form is incomplete: a caller who may not search is refused (and recorded)
        // before anything is said about the form, and an incomplete search is recorded as one.
        var answer = await _search.FindPersonAsync(User, ModelState.IsValid ? new PersonSearchRequest(Naam, Geboortedatum) : new PersonSearchRequest(null, null), cancellationToken);
        switch (answer.Result)
        {
            case BadRequestProblem:
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            case Ok<PersonCases> { Value.Cases.Count: > 0 } ok:
                return Redirect("/toegangslog?dossier=" + Uri.EscapeDataString(string.Join(',', ok.Value.Cases)));
            case Ok<PersonCases>:
                NoneFound = true;
                Naam = null;
                Geboortedatum = null;
                ModelState.Clear();
                return Page();
            case ProblemAnswer problem:
                Problem = ExplainLog(problem);
                Response.StatusCode = problem.StatusCode;
                return Page();
            default:
                throw new InvalidOperationException("The person search answered otherwise than it declares.");
        }
    }
}
