using Informatiedeling.Hub.LogReview;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Toegangslog;

/// <summary>NEN 7513's view per client: every recorded handling of one file, newest first, with a period filter.</summary>
internal sealed class ZaakModel(PolicyHolder policy, LogSearch search) : LogPageModel(policy, search)
{
    [BindProperty(SupportsGet = true)]
    public string Pseudonym { get; set; } = "";

    [BindProperty(SupportsGet = true, Name = "van")]
    public string? Van { get; set; }

    [BindProperty(SupportsGet = true, Name = "tot")]
    public string? Tot { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await SearchAsync(new LogSearchRequest(Case: Pseudonym, From: Van, To: Tot, Cursor: string.IsNullOrWhiteSpace(Cursor) ? null : Cursor), cancellationToken);
        return Page();
    }
}
