using System.Globalization;
using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.LogReview;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Toegangslog.Beoordelingen;

/// <summary>
/// "Beoordelingen": the review queue of emergency releases (the API's <c>GET /access-log/reviews</c>, the same code and
/// the same record of the read), oldest first, overdue ones marked, filtered by state. Only the state and the opaque
/// cursor travel in the URL.
/// </summary>
internal sealed class IndexModel(PolicyHolder policy, ReviewQueue queue) : Web.HubPageModel(policy)
{
    [BindProperty(SupportsGet = true, Name = "status")]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    public ReviewPage? Queue { get; private set; }

    public Web.PageProblem? Problem { get; private set; }

    /// <summary>The states of the filter: the API's value and its Dutch name.</summary>
    public static readonly (string Value, string Text)[] States = [("open", "Open"), ("disposed", "Beoordeeld"), ("all", "Alle")];

    public string Selected => string.IsNullOrWhiteSpace(State) ? "open" : State;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var answer = await queue.ListAsync(User, Selected, string.IsNullOrWhiteSpace(Cursor) ? null : Cursor, null, cancellationToken);
        switch (answer.Result)
        {
            case Ok<ReviewPage> ok:
                Queue = ok.Value;
                break;
            case ProblemAnswer problem:
                Problem = Explain(problem);
                Response.StatusCode = problem.StatusCode;
                break;
        }

        return Page();
    }

    public string NextLink(string next) => "/toegangslog/beoordelingen?status=" + Uri.EscapeDataString(Selected) + "&cursor=" + Uri.EscapeDataString(next);

    public static string Link(long seq) => "/toegangslog/beoordelingen/" + seq.ToString(CultureInfo.InvariantCulture);
}
