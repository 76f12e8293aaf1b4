using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Informatiedeling.Hub.Pages;

/// <summary>
/// What a person in the browser sees when a request ends in an error without a page of its own: a refused form (its
/// antiforgery token missing or expired), a page that does not exist, too many requests, a failure of the hub. The
/// status code stays what it was; the page says in Dutch what happened and what to do, and gives the request's trace
/// id for the administrator, never the request's content. API clients keep their problem JSON (see HubHosting).
/// </summary>
[IgnoreAntiforgeryToken] // the form that was refused is re-executed here; refusing it again would hide this page
internal sealed class FoutModel : PageModel
{
    public string Heading { get; private set; } = "";

    public string Explanation { get; private set; } = "";

    public string Next { get; private set; } = "";

    public string? Reference { get; private set; }

    public void OnGet(int code) => Describe(code);

    public void OnPost(int code) => Describe(code);

    private void Describe(int code)
    {
        // Only a re-executed request keeps its original status; opened directly, the page answers with the code it names.
        var original = HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null
            || HttpContext.Features.Get<IExceptionHandlerPathFeature>() is not null;
        var status = original ? Response.StatusCode : code is >= 400 and <= 599 ? code : StatusCodes.Status404NotFound;
        if (HttpContext.Features.Get<IExceptionHandlerPathFeature>() is not null)
        {
            status = StatusCodes.Status500InternalServerError;
        }

        Response.StatusCode = status;
        (Heading, Explanation, Next) = status switch
        {
            StatusCodes.Status400BadRequest => (
                "Het formulier kon niet worden verwerkt",
                "Het formulier was verlopen of is niet vanaf deze pagina verzonden. Er is niets opgeslagen of gewijzigd.",
                "Open de pagina opnieuw en vul het formulier nog een keer in."),
            StatusCodes.Status403Forbidden => (
                "Niet toegestaan",
                "U mag deze pagina niet openen.",
                "Denkt u dat dit niet klopt? Neem contact op met de functioneel beheerder van uw organisatie."),
            StatusCodes.Status404NotFound => (
                "Pagina niet gevonden",
                "Deze pagina bestaat niet of u mag haar niet zien.",
                "Controleer het adres, of begin op de startpagina."),
            StatusCodes.Status429TooManyRequests => (
                "Te veel verzoeken",
                "Er kwamen in korte tijd te veel verzoeken van u binnen.",
                "Wacht een minuut en probeer het dan opnieuw."),
            StatusCodes.Status503ServiceUnavailable => (
                "De hub is tijdelijk niet beschikbaar",
                "De hub kan uw verzoek nu niet veilig verwerken; er is niets vrijgegeven of gewijzigd.",
                "Probeer het over enkele minuten opnieuw."),
            >= 500 => (
                "Er ging iets mis",
                "De hub kon uw verzoek niet afmaken. Er is niets vrijgegeven.",
                "Probeer het opnieuw. Blijft het misgaan, geef dan het kenmerk hieronder door aan de beheerder."),
            _ => (
                "Dit verzoek kon niet worden verwerkt",
                "De hub kon dit verzoek niet verwerken.",
                "Begin opnieuw op de startpagina."),
        };
        Reference = status >= 500 ? HttpContext.TraceIdentifier : null; // the traceId the hub's log lines of this request carry
    }
}
