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
    public static string When(DateTimeOffset at) => Web.PageText.When(at);

    /// <summary>The instant as a machine reads it, for the <c>time</c> element.</summary>
    public static string Instant(DateTimeOffset at) => Web.PageText.Instant(at);

    public static string What(string? operation) => Web.OperationNames.What(operation);

    public static string DecisionText(string? decision) => Web.PageText.DecisionText(decision);

    /// <summary>The link to older records: the opaque cursor only.</summary>
    public static string OlderLink(string next) => "/mijn-inzage?cursor=" + Uri.EscapeDataString(next);
}
