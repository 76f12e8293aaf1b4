using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.LogReview;
using Informatiedeling.Policy;
using Informatiedeling.Storage.AccessLog;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Toegangslog;

/// <summary>
/// "Exporteren": a search of the access log as a file for an external auditor, JSON Lines or CSV with the NEN 7513
/// field names and the signed checkpoint it is consistent with. The same broker, scope and record as
/// <c>GET /access-log/export</c>; a problem is shown on the page in plain words, a success is the file.
/// </summary>
internal sealed class ExportModel(PolicyHolder policy, LogExport export) : Web.HubPageModel(policy)
{
    [BindProperty(SupportsGet = true, Name = "format")]
    public string? Format { get; set; }

    [BindProperty(SupportsGet = true, Name = "case")]
    public string? Case { get; set; }

    [BindProperty(SupportsGet = true, Name = "partner")]
    public string? Partner { get; set; }

    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserId { get; set; }

    [BindProperty(SupportsGet = true, Name = "from")]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true, Name = "to")]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "kind")]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true, Name = "decision")]
    public string? Decision { get; set; }

    [BindProperty(SupportsGet = true, Name = "purpose")]
    public string? Purpose { get; set; }

    [BindProperty(SupportsGet = true, Name = "emergency")]
    public string? Emergency { get; set; }

    public Web.PageProblem? Problem { get; private set; }

    public static IEnumerable<string> Kinds => Enum.GetValues<AccessEventKind>().Select(AccessLogNames.Kind);

    public static readonly (string Value, string Text)[] Decisions = [("permit", "toegestaan"), ("partial", "deels toegestaan"), ("deny", "geweigerd"), ("error", "niet verwerkt")];

    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnGetBestandAsync(CancellationToken cancellationToken)
    {
        var answer = await export.ExportAsync(User, Format, new LogSearchRequest(Case, Partner, UserId, From, To, Kind, Decision, Purpose, null, Emergency), cancellationToken);
        switch (answer.Result)
        {
            case ExportFile file:
                return new Streamed(file);
            case ProblemAnswer problem:
                Problem = Explain(problem);
                Response.StatusCode = problem.StatusCode;
                break;
        }

        return Page();
    }

    /// <summary>The broker's streamed answer as the page's result.</summary>
    private sealed class Streamed(IResult result) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => result.ExecuteAsync(context.HttpContext);
    }
}
