using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.PolicyAdministration;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Beleid;

/// <summary>A new revision of a proposal by its author (the API's <c>PUT /policy/proposals/{id}</c>, the same broker), one file edited.</summary>
internal sealed class BewerkenModel(PolicyHolder policy, PolicyProposals proposals) : EditorModel(policy)
{
    public string Id { get; private set; } = "";

    public ProposalSummary? Proposal { get; private set; }

    public override string Heading => "Voorstel bewerken";

    public override string Action => "Nieuwe versie indienen";

    public override bool TitleRequired => false;

    public async Task<IActionResult> OnGetAsync(string id, [FromQuery(Name = "bestand")] string? file, [FromQuery(Name = "nieuw")] string? newName, CancellationToken cancellationToken)
    {
        Id = id;
        await LoadAsync(file, newName, cancellationToken);
        Title = Proposal?.Title;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(
        string id, [FromForm(Name = "bestand")] string? file, [FromForm(Name = "titel")] string? title, [FromForm(Name = "tekst")] string? text, CancellationToken cancellationToken)
    {
        Id = id;
        if (!await LoadAsync(file, null, cancellationToken))
        {
            return Page();
        }

        FileName = file;
        Title = title;
        Text = text;
        if (string.IsNullOrWhiteSpace(file))
        {
            return NoFile();
        }

        switch ((await proposals.ReviseAsync(User, id, ProposalOf(title, file, text), cancellationToken)).Result)
        {
            case Ok<ProposalDetail> revised:
                return Redirect(VoorstelModel.Link(revised.Value!.Proposal.Id));
            case ProblemAnswer problem:
                Refused(problem, text);
                break;
        }

        return Page();
    }

    private async Task<bool> LoadAsync(string? file, string? newName, CancellationToken cancellationToken)
    {
        switch ((await proposals.ShowAsync(User, Id, cancellationToken)).Result)
        {
            case Ok<ProposalDetail> ok:
                Proposal = ok.Value!.Proposal;
                Choose(ok.Value.Files, file, newName);
                return true;
            case ProblemAnswer problem:
                Problem = BeleidText.Explain(problem);
                Response.StatusCode = problem.StatusCode;
                break;
        }

        return false;
    }
}
