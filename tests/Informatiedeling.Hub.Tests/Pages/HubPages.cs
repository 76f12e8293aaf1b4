using OpenQA.Selenium;

namespace Informatiedeling.Hub.Tests.Pages;

/// <summary>What the browser tests read off the hub's pages, in one place, so a change of markup is one change here.</summary>
public static class HubPages
{
    /// <summary>The refusal the sign-in page shows after a failed sign-in (<c>/aanmelden?fout=1</c>).</summary>
    public const string SignInRefusal = "Aanmelden is niet gelukt.";

    /// <summary>The sign-out button in the header, there whenever someone is signed in.</summary>
    public const string SignOutButton = "header form button[type=submit]";

    /// <summary>A fact of the start page's <c>dl.facts</c>: Gebruiker, Organisatie or Functie.</summary>
    public static string Fact(this Browser browser, string term) =>
        browser.Driver.FindElement(By.XPath($"//dl[contains(@class,'facts')]/dt[normalize-space()='{term}']/following-sibling::dd[1]")).Text.Trim();

    /// <summary>The start page's facts, as "user / organisation / function".</summary>
    public static string Identity(this Browser browser) =>
        $"{browser.Fact("Gebruiker")} / {browser.Fact("Organisatie")} / {browser.Fact("Functie")}";

    /// <summary>The start page's way out: the header's sign-out button, then wherever the hub (and a provider) send the browser.</summary>
    public static Browser SignOut(this Browser browser) => browser.ClickAndWait(SignOutButton);
}
