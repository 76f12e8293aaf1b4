using System.ComponentModel.DataAnnotations;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Aanmelden;

/// <summary>
/// Sign-in: the person picks their organisation (home-realm discovery) and goes to its provider; in Development they
/// may instead pick partner, user and function, backed by the development issuer.
/// </summary>
internal sealed class IndexModel(PolicyHolder policy, SignInOptions options, IServiceProvider services) : Web.HubPageModel(policy)
{
    public SignInOptions Options => options;

    [BindProperty(SupportsGet = true, Name = "terug")]
    public string? ReturnTo { get; set; }

    [BindProperty(SupportsGet = true, Name = "fout")]
    public string? Failed { get; set; }

    [BindProperty, Required(ErrorMessage = "Kies een organisatie.")]
    public string? Partner { get; set; }

    [BindProperty, Required(ErrorMessage = "Vul een gebruikersnaam in."), StringLength(64, ErrorMessage = "Een gebruikersnaam is hoogstens 64 tekens.")]
    [RegularExpression("^[A-Za-z0-9._@-]+$", ErrorMessage = "Een gebruikersnaam bestaat uit letters, cijfers en . _ @ -")]
    public string? Gebruiker { get; set; }

    /// <summary>The function picked: none (an employee), the hub's privacy officer or the partner's own.</summary>
    [BindProperty]
    public string? Functie { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!options.Development || services.GetService<DevelopmentSignIn>() is not { } development)
        {
            return NotFound();
        }

        if (Partner is not null && !Vocabulary.Partners.TryGetIndex(Partner, out _))
        {
            ModelState.AddModelError(nameof(Partner), "Kies een organisatie uit de lijst.");
        }

        if (!string.IsNullOrEmpty(Functie) && !PartnerClaims.IsKnownFunction(Functie))
        {
            ModelState.AddModelError(nameof(Functie), "Kies een functie uit de lijst.");
        }

        if (!ModelState.IsValid || !await development.SignInAsync(HttpContext, Partner!, Gebruiker!, string.IsNullOrEmpty(Functie) ? null : Functie))
        {
            if (ModelState.IsValid)
            {
                ModelState.AddModelError(string.Empty, "Aanmelden is niet gelukt.");
            }

            return Page();
        }

        return LocalRedirect(Url.IsLocalUrl(ReturnTo) ? ReturnTo! : "/");
    }
}
