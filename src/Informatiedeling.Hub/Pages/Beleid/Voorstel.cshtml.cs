using System.Globalization;
using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.PolicyAdministration;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Administration;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Beleid;

/// <summary>
/// One proposal (the API's <c>GET /policy/proposals/{id}</c>): its status and decisions, the diff by meaning and by
/// text, the replayed impact, and the forms of the four-eyes flow — replay, approve, reject, activate, edit — each
/// posted to the same broker as the API's routes. The page shows the forms the signed-in function uses; the broker
/// decides, and a refusal is shown in Dutch with what was typed kept.
/// </summary>
internal sealed class VoorstelModel(PolicyHolder policy, PolicyProposals proposals) : Web.HubPageModel(policy)
{
    /// <summary>Changed lines are shown with this many unchanged lines around them.</summary>
    public const int Context = 3;

    public string Id { get; private set; } = "";

    public ProposalDetail? Detail { get; private set; }

    public Web.PageProblem? Problem { get; private set; }

    /// <summary>Who acted, as the pages name them: the user and their organisation; the hub itself for the first version it loaded.</summary>
    public string Who(Actor actor) => actor is { Partner: "hub", User: "hub" } ? "de hub (bij de eerste start)" : $"{actor.User}, {PartnerName(actor.Partner)}";

    /// <summary>Which form the problem answers, so that it is shown beside it.</summary>
    public string? ProblemForm { get; private set; }

    public string? Done { get; private set; }

    public string? Reason { get; private set; }

    public string? At { get; private set; }

    public bool Later { get; private set; }

    public int MaxReasonLength => PolicyProposals.MaxReasonLength;

    public static string Link(long id) => "/beleid/voorstellen/" + id.ToString(CultureInfo.InvariantCulture);

    public ProposalSummary? Summary => Detail?.Proposal;

    public bool IsAuthor => Summary is { } s && s.Author.Partner == Me.Partner && s.Author.User == (Me.User ?? "");

    private bool Undecided => Summary?.Status is "open" or "approved";

    public bool CanReplay => Undecided && (Me.FunctionalAdministrator || Me.PrivacyOfficer);

    public bool CanApprove => Summary?.Status == "open" && Me.PrivacyOfficer && !IsAuthor;

    public bool CanReject => Undecided && Me.PrivacyOfficer;

    public bool CanActivate => Summary?.Status == "approved" && (Me.FunctionalAdministrator || Me.PrivacyOfficer);

    public bool CanEdit => Undecided && Me.FunctionalAdministrator && IsAuthor;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        Id = id;
        await ShowAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostEffectAsync(string id, CancellationToken cancellationToken)
    {
        Id = id;
        return await AnsweredAsync("effect", (await proposals.ReplayAsync(User, id, cancellationToken)).Result, "Het effect is berekend.", cancellationToken);
    }

    public async Task<IActionResult> OnPostGoedkeurenAsync(
        string id, [FromForm(Name = "versie")] int? revision, [FromForm(Name = "verruiming")] bool acknowledged, CancellationToken cancellationToken)
    {
        Id = id;
        var answer = await proposals.ApproveAsync(User, id, new ApprovalRequest(revision, acknowledged), cancellationToken);
        return await AnsweredAsync("goedkeuren", answer.Result, "Het voorstel is goedgekeurd. Het kan nu in werking worden gesteld.", cancellationToken);
    }

    public async Task<IActionResult> OnPostAfwijzenAsync(string id, [FromForm(Name = "reden")] string? reason, CancellationToken cancellationToken)
    {
        Id = id;
        Reason = reason;
        var answer = await proposals.RejectAsync(User, id, new RejectionRequest(reason), cancellationToken);
        return await AnsweredAsync("afwijzen", answer.Result, "Het voorstel is afgewezen.", cancellationToken);
    }

    public async Task<IActionResult> OnPostInWerkingAsync(
        string id, [FromForm(Name = "versie")] int? revision, [FromForm(Name = "moment")] string? moment, [FromForm(Name = "tijdstip")] string? at,
        CancellationToken cancellationToken)
    {
        Id = id;
        Later = moment == "later";
        At = at;
        string? instant = null;
        if (Later)
        {
            if (ToInstant(at) is not { } parsed)
            {
                Problem = new Web.PageProblem("Het moment is niet geldig",
                    "Vul een datum en tijd in zoals 2027-01-01 09:00 (Nederlandse tijd), of kies ‘meteen’.", null, null, []);
                ProblemForm = "in-werking";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                await ShowAsync(cancellationToken);
                return Page();
            }

            instant = parsed.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        }

        var answer = await proposals.ActivateAsync(User, id, new ActivationRequest(revision, instant), cancellationToken);
        return await AnsweredAsync("in-werking", answer.Result,
            Later ? "Het voorstel is ingepland; het gaat op het gekozen moment voor de hele hub in." : "Het voorstel is in werking gesteld voor de hele hub.", cancellationToken);
    }

    /// <summary>
    /// A date and time as the form's <c>datetime-local</c> field sends it, read as Dutch time (Europe/Amsterdam) and
    /// made an instant; null when it is no such moment (malformed, or an hour skipped when the clocks go forward).
    /// </summary>
    public static DateTimeOffset? ToInstant(string? local)
    {
        string[] formats = ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm"];
        if (!DateTime.TryParseExact(local?.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var wall))
        {
            return null;
        }

        var zone = Web.PageText.Zone;
        if (zone.IsInvalidTime(wall))
        {
            return null;
        }

        return new DateTimeOffset(wall, zone.GetUtcOffset(wall));
    }

    /// <summary>The rule changes and their aspects that widen, for the approval's acknowledgement.</summary>
    public IEnumerable<RuleChange> Widening => Detail?.Diff.Changes.Where(c => c.Widens) ?? [];

    /// <summary>The lines of a file's diff to show: every changed line with <see cref="Context"/> unchanged lines around it; null marks a gap.</summary>
    public static IReadOnlyList<DiffLine?> Hunks(IReadOnlyList<DiffLine> lines)
    {
        var keep = new bool[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Kind != DiffLineKind.Unchanged)
            {
                for (var j = Math.Max(0, i - Context); j <= Math.Min(lines.Count - 1, i + Context); j++)
                {
                    keep[j] = true;
                }
            }
        }

        var shown = new List<DiffLine?>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (keep[i])
            {
                if (shown.Count > 0 && i > 0 && !keep[i - 1])
                {
                    shown.Add(null);
                }

                shown.Add(lines[i]);
            }
        }

        return shown;
    }

    private async Task<IActionResult> AnsweredAsync(string form, IResult result, string done, CancellationToken cancellationToken)
    {
        switch (result)
        {
            case Ok<ProposalDetail> ok:
                Detail = ok.Value;
                Done = done;
                Reason = null;
                return Page();
            case ProblemAnswer problem:
                Problem = BeleidText.Explain(problem);
                ProblemForm = form;
                Response.StatusCode = problem.StatusCode;
                break;
        }

        // The proposal again beside the answer, so that the refusal is read against what it refused (a read, recorded as one).
        if (Response.StatusCode != StatusCodes.Status403Forbidden || Me.FunctionalAdministrator || Me.PrivacyOfficer)
        {
            if ((await proposals.ShowAsync(User, Id, cancellationToken)).Result is Ok<ProposalDetail> shown)
            {
                Detail = shown.Value;
            }
        }

        return Page();
    }

    private async Task ShowAsync(CancellationToken cancellationToken)
    {
        switch ((await proposals.ShowAsync(User, Id, cancellationToken)).Result)
        {
            case Ok<ProposalDetail> ok:
                Detail = ok.Value;
                break;
            case ProblemAnswer problem:
                Problem = BeleidText.Explain(problem);
                Response.StatusCode = problem.StatusCode;
                break;
        }
    }
}
