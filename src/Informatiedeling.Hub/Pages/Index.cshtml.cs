using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages;

/// <summary>The start page: who I am, my organisation and function, and my cases (the API's <c>GET /cases</c>, page by page).</summary>
internal sealed class IndexModel(PolicyHolder policy, CaseList list) : Web.HubPageModel(policy)
{
    [BindProperty(SupportsGet = true, Name = "kenmerk")]
    public string? Pseudonym { get; set; }

    [BindProperty(SupportsGet = true, Name = "stap")]
    public string? Step { get; set; }

    [BindProperty(SupportsGet = true, Name = "status")]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true, Name = "na")]
    public string? After { get; set; }

    public CaseListPage? Cases { get; private set; }

    public Web.PageProblem? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(Pseudonym))
        {
            return Redirect($"/zaken/{Uri.EscapeDataString(Pseudonym.Trim())}");
        }

        var answer = await list.ListAsync(User, Blank(Step), Blank(Status), Blank(After), null, cancellationToken);
        switch (answer.Result)
        {
            case Ok<CaseListPage> ok:
                Cases = ok.Value;
                break;
            case ProblemAnswer problem:
                Problem = Explain(problem);
                Response.StatusCode = problem.StatusCode;
                break;
        }

        return Page();
    }

    /// <summary>The link to the next page, keeping the filters.</summary>
    public string NextLink(string next) =>
        "/?" + string.Join('&', new[] { ("stap", Blank(Step)), ("status", Blank(Status)), ("na", next) }
            .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

    /// <summary>An empty filter in the form means no filter (the API refuses an empty value).</summary>
    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
