using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.PolicyAdministration;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Beleid;

/// <summary>A new proposal on the version in force (the API's <c>POST /policy/proposals</c>, the same broker), one file edited.</summary>
internal sealed class NieuwModel(PolicyHolder policy, PolicyProposals proposals) : EditorModel(policy)
{
    public override string Heading => "Nieuw voorstel";

    public override string Action => "Voorstel indienen";

    public override bool TitleRequired => true;

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "bestand")] string? file, [FromQuery(Name = "nieuw")] string? newName, CancellationToken cancellationToken)
    {
        await LoadAsync(file, newName, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(
        [FromForm(Name = "bestand")] string? file, [FromForm(Name = "titel")] string? title, [FromForm(Name = "tekst")] string? text, CancellationToken cancellationToken)
    {
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

        switch ((await proposals.ProposeAsync(User, ProposalOf(title, file, text), cancellationToken)).Result)
        {
            case Created<ProposalDetail> created:
                return Redirect(VoorstelModel.Link(created.Value!.Proposal.Id));
            case ProblemAnswer problem:
                Refused(problem, text);
                break;
        }

        return Page();
    }

    /// <summary>The files of the version in force and its tests (the convenant is the partners', not the administrator's).</summary>
    private async Task<bool> LoadAsync(string? file, string? newName, CancellationToken cancellationToken)
    {
        switch ((await proposals.VersionAsync(User, "active", cancellationToken)).Result)
        {
            case Ok<VersionFiles> ok:
                var files = new Dictionary<string, string>(ok.Value!.Files, StringComparer.Ordinal);
                foreach (var (name, text) in ok.Value.Tests)
                {
                    files[name] = text;
                }

                Choose(files, file, newName);
                return true;
            case ProblemAnswer problem:
                Problem = BeleidText.Explain(problem);
                Response.StatusCode = problem.StatusCode;
                break;
        }

        return false;
    }
}
