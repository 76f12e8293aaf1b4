using Informatiedeling.Hub.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Informatiedeling.Hub.Pages.Aanmelden;

/// <summary>Sends the person to their organisation's provider (authorization code with PKCE); an unknown organisation is not found.</summary>
internal sealed class OrganisatieModel(SignInOptions options) : PageModel
{
    public IActionResult OnGet(string naam, [FromQuery(Name = "terug")] string? returnTo)
    {
        if (options.Organisations.FirstOrDefault(o => string.Equals(o.Name, naam, StringComparison.Ordinal)) is not { } organisation)
        {
            return NotFound();
        }

        return Challenge(new AuthenticationProperties { RedirectUri = Url.IsLocalUrl(returnTo) ? returnTo : "/" }, organisation.Scheme);
    }
}
