using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.LogReview;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Toegangslog.Beoordelingen;

/// <summary>
/// One emergency release under review (the API's <c>GET /access-log/reviews/{seq}</c>): what was released, the sealed
/// justification opened, and a form that disposes it (<c>POST /access-log/reviews/{seq}</c>, the same broker) with a
/// note. What was typed stays in the form when the disposition is refused; it travels in the body only.
/// </summary>
internal sealed class BeoordelingModel(PolicyHolder policy, ReviewQueue queue) : Web.HubPageModel(policy)
{
    public string Seq { get; private set; } = "";

    public ReviewDetail? Review { get; private set; }

    public Web.PageProblem? Problem { get; private set; }

    public string? Done { get; private set; }

    public string? Chosen { get; private set; }

    public string? Note { get; private set; }

    public int MaxNoteLength => ReviewQueue.MaxNoteLength;

    public async Task<IActionResult> OnGetAsync(string seq, CancellationToken cancellationToken)
    {
        Seq = seq;
        var answer = await queue.ShowAsync(User, seq, cancellationToken);
        switch (answer.Result)
        {
            case Ok<ReviewDetail> ok:
                Review = ok.Value;
                break;
            case ProblemAnswer problem:
                Refused(problem);
                break;
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(
        string seq, [FromForm(Name = "beoordeling")] string? disposition, [FromForm(Name = "toelichting")] string? note, CancellationToken cancellationToken)
    {
        Seq = seq;
        Chosen = disposition;
        Note = note;
        var answer = await queue.DisposeAsync(User, seq, new DispositionRequest(disposition, note), cancellationToken);
        switch (answer.Result)
        {
            case Ok<ReviewDetail> ok:
                Review = ok.Value;
                Done = "De beoordeling is vastgelegd.";
                return Page();
            case ProblemAnswer problem:
                Refused(problem);
                break;
        }

        if (Problem is not null && Response.StatusCode is StatusCodes.Status400BadRequest or StatusCodes.Status403Forbidden or StatusCodes.Status409Conflict)
        {
            // Show the release again beside the answer, so that the officer sees what was refused (a read, recorded as one).
            if ((await queue.ShowAsync(User, seq, cancellationToken)).Result is Ok<ReviewDetail> shown)
            {
                Review = shown.Value;
            }
        }

        return Page();
    }

    private void Refused(ProblemAnswer problem)
    {
        var explained = Explain(problem);
        Problem = problem.StatusCode switch
        {
            StatusCodes.Status404NotFound => explained with { Detail = "Er is geen noodtoegang met dit nummer die u mag beoordelen." },
            StatusCodes.Status403Forbidden when problem.Value.Title == "Not your own release" =>
                explained with { Detail = "Deze noodtoegang hebt u zelf gedaan; een andere functionaris gegevensbescherming beoordeelt hem." },
            StatusCodes.Status409Conflict when problem.Value.Title == "Already disposed" =>
                explained with { Heading = "Al beoordeeld", Detail = "Deze noodtoegang is al beoordeeld; een beoordeling is definitief." },
            StatusCodes.Status409Conflict => explained with { Heading = "Dossier vernietigd", Detail = "De sleutels van dit dossier zijn vernietigd; een toelichting kan niet meer worden versleuteld." },
            _ => explained,
        };
        Response.StatusCode = problem.StatusCode;
    }
}
