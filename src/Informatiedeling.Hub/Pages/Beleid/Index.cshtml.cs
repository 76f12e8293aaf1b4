using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.PolicyAdministration;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Beleid;

/// <summary>
/// "Deelregels": the version every instance decides under, a scheduled activation, the proposals with their status, and
/// the stored versions with their activations (the API's <c>/policy/active</c>, <c>/policy/versions</c> and
/// <c>/policy/proposals</c>, the same broker). A rollback is a new proposal of an earlier version (<c>from</c>).
/// </summary>
internal sealed class IndexModel(PolicyHolder policy, PolicyProposals proposals) : Web.HubPageModel(policy)
{
    public ActivePolicy? Active { get; private set; }

    public VersionList? Versions { get; private set; }

    public ProposalList? Proposals { get; private set; }

    public Web.PageProblem? Problem { get; private set; }

    /// <summary>Who acted, as the pages name them: the user and their organisation; the hub itself for the first version it loaded.</summary>
    public string Who(Actor actor) => actor is { Partner: "hub", User: "hub" } ? "de hub (bij de eerste start)" : $"{actor.User}, {PartnerName(actor.Partner)}";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>A proposal to go back to an earlier version: through the same flow as any change.</summary>
    public async Task<IActionResult> OnPostTerugAsync([FromForm(Name = "versie")] string? version, CancellationToken cancellationToken)
    {
        var from = version ?? "";
        var title = "Terug naar versie " + BeleidText.Short(from);
        var answer = await proposals.ProposeAsync(User, new ProposalRequest(title, From: from), cancellationToken);
        switch (answer.Result)
        {
            case Created<ProposalDetail> created:
                return Redirect(VoorstelModel.Link(created.Value!.Proposal.Id));
            case ProblemAnswer problem:
                Problem = BeleidText.Explain(problem);
                Response.StatusCode = problem.StatusCode;
                break;
        }

        await LoadAsync(cancellationToken, keepStatus: true);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken, bool keepStatus = false)
    {
        // The versions first: they are for the two functions only, and refuse (and record) anyone else.
        switch ((await proposals.VersionsAsync(User, cancellationToken)).Result)
        {
            case Ok<VersionList> ok:
                Versions = ok.Value;
                break;
            case ProblemAnswer problem:
                Problem ??= BeleidText.Explain(problem);
                if (!keepStatus || Response.StatusCode < 400)
                {
                    Response.StatusCode = problem.StatusCode;
                }

                return;
        }

        Active = (await proposals.ActiveAsync(User, cancellationToken)).Value;
        if ((await proposals.ListAsync(User, cancellationToken)).Result is Ok<ProposalList> list)
        {
            Proposals = list.Value;
        }
    }

    /// <summary>The activation still to come, if any: the one <see cref="ActivePolicy.Scheduled"/> names.</summary>
    public long? ScheduledSeq => Active?.Scheduled is { } next
        ? Versions?.Activations.Where(a => a.ContentHash == next.ContentHash && a.EffectiveAt == next.At).Select(a => (long?)a.Seq).FirstOrDefault()
        : null;

    /// <summary>The activations of a version, newest first.</summary>
    public IEnumerable<ActivationSummary> ActivationsOf(string hash) =>
        (Versions?.Activations ?? []).Where(a => a.ContentHash == hash).OrderByDescending(a => a.Seq);
}
