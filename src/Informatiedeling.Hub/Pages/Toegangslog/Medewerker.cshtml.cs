using Informatiedeling.Hub.LogReview;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Toegangslog;

/// <summary>NEN 7513's view per employee: everything one user of one organisation did, newest first, with a period filter.</summary>
internal sealed class MedewerkerModel(PolicyHolder policy, LogSearch search) : LogPageModel(policy, search)
{
    [BindProperty(SupportsGet = true, Name = "organisatie")]
    public string? Organisatie { get; set; }

    [BindProperty(SupportsGet = true, Name = "gebruiker")]
    public string? Gebruiker { get; set; }

    [BindProperty(SupportsGet = true, Name = "van")]
    public string? Van { get; set; }

    [BindProperty(SupportsGet = true, Name = "tot")]
    public string? Tot { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    /// <summary>Whether an employee was named; without one the page asks for one.</summary>
    public bool Named => !string.IsNullOrWhiteSpace(Gebruiker);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        // A partner's own privacy officer reviews its own organisation's employees: that is the default.
        Organisatie ??= Me.PrivacyOfficer ? null : Me.Partner;
        if (Named)
        {
            await SearchAsync(new LogSearchRequest(Partner: Organisatie, User: Gebruiker, From: Van, To: Tot, Cursor: string.IsNullOrWhiteSpace(Cursor) ? null : Cursor), cancellationToken);
        }

        return Page();
    }
}
