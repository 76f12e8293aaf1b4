using Informatiedeling.Hub.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Informatiedeling.Hub.Pages;

/// <summary>Sign-out: ends the hub's session and, for a person signed in with a provider, theirs there too (RP-initiated logout).</summary>
internal sealed class AfmeldenModel(SignInOptions options) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public IActionResult OnPost()
    {
        var issuer = User.FindFirst(PartnerClaims.Issuer)?.Value;
        var provider = options.Organisations.FirstOrDefault(o => issuer is not null && o.Issuer == issuer);
        var properties = new AuthenticationProperties { RedirectUri = "/aanmelden" };
        return provider is null
            ? SignOut(properties, AuthenticationSetup.CookieScheme)
            : SignOut(properties, AuthenticationSetup.CookieScheme, provider.Scheme);
    }
}
