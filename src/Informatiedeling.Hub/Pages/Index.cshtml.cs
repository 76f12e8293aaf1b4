using Informatiedeling.Policy;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages;

/// <summary>The start page: who I am, my organisation and function, and my cases.</summary>
internal sealed class IndexModel(PolicyHolder policy) : Web.HubPageModel(policy)
{
    [BindProperty(SupportsGet = true, Name = "kenmerk")]
    public string? Pseudonym { get; set; }

    public IActionResult OnGet() =>
        string.IsNullOrWhiteSpace(Pseudonym) ? Page() : Redirect($"/zaken/{Uri.EscapeDataString(Pseudonym.Trim())}");
}
