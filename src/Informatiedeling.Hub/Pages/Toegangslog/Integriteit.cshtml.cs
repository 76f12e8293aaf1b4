using System.Globalization;
using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.LogReview;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Toegangslog;

/// <summary>
/// "Integriteit": the access log's integrity at a glance for the privacy officer — the latest signed checkpoint, the
/// last verification and its result, the last comparison with a kept checkpoint — with "Nu controleren" (the hub's
/// privacy officer) and a form to compare a kept checkpoint. The same broker as <c>/access-log/integrity</c>.
/// </summary>
internal sealed class IntegriteitModel(PolicyHolder policy, LogIntegrity integrity) : Web.HubPageModel(policy)
{
    private static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl-NL");

    public IntegrityStatus? Status { get; private set; }

    /// <summary>The verification just run from this page.</summary>
    public IntegrityCheck? Verified { get; private set; }

    /// <summary>The comparison just made from this page.</summary>
    public ConsistencyAnswer? Compared { get; private set; }

    public Web.PageProblem? Problem { get; private set; }

    /// <summary>Which form the problem belongs to: "controle", "vergelijking", or null for the page itself.</summary>
    public string? Form { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostControlerenAsync(CancellationToken cancellationToken)
    {
        var answer = await integrity.VerifyAsync(User, cancellationToken);
        switch (answer.Result)
        {
            case Ok<IntegrityCheck> ok:
                Verified = ok.Value;
                break;
            case ProblemAnswer problem:
                (Problem, Form) = (Explain(problem), "controle");
                Response.StatusCode = problem.StatusCode;
                break;
        }

        await LoadAsync(cancellationToken, keepStatus: true);
        return Page();
    }

    public async Task<IActionResult> OnPostVergelijkenAsync([FromForm(Name = "controlepunt")] string? kept, CancellationToken cancellationToken)
    {
        // A pasted note may have lost its last newline or gained Windows line ends; the signed text is what it was.
        var note = kept?.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (note is { Length: > 0 } && !note.EndsWith('\n'))
        {
            note += "\n";
        }

        var answer = await integrity.ConsistencyAsync(User, new KeptCheckpointRequest(note), cancellationToken);
        switch (answer.Result)
        {
            case Ok<ConsistencyAnswer> ok:
                Compared = ok.Value;
                break;
            case ProblemAnswer problem:
                (Problem, Form) = (Explain(problem), "vergelijking");
                Response.StatusCode = problem.StatusCode;
                break;
        }

        await LoadAsync(cancellationToken, keepStatus: true);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken, bool keepStatus = false)
    {
        var answer = await integrity.StatusAsync(User, cancellationToken);
        switch (answer.Result)
        {
            case Ok<IntegrityStatus> ok:
                Status = ok.Value;
                break;
            case ProblemAnswer problem when Problem is null:
                (Problem, Form) = (Explain(problem), null);
                if (!keepStatus || Response.StatusCode < 400)
                {
                    Response.StatusCode = problem.StatusCode;
                }

                break;
        }
    }

    /// <summary>Only the hub's privacy officer starts a verification.</summary>
    public bool MayVerify => Me.PrivacyOfficer;

    public static string When(DateTimeOffset? at) => at is { } a ? Web.PageText.When(a) : "—";

    public static string Instant(DateTimeOffset at) => Web.PageText.Instant(at);

    public static string Number(long n) => n.ToString("N0", Dutch);

    public static string VerdictText(string outcome) => outcome switch
    {
        "verified" => "in orde: alle records en controlepunten kloppen",
        "failed" => "niet in orde",
        "append-only" => "consistent: het log is sindsdien alleen aangevuld",
        "truncated" => "niet consistent: het log is kleiner dan het bewaarde controlepunt (records verwijderd of een oudere stand teruggezet)",
        "forked" => "niet consistent: de geschiedenis is herschreven of het log is gesplitst",
        "different-log" => "niet consistent: het controlepunt is van een ander log",
        var other => other,
    };
}
