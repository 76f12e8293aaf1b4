namespace Informatiedeling.Cli.Demo;

/// <summary>
/// The demo case's fields: invented from start to end, recognisably so, in every category of the client file; each
/// value in the JSON type its field takes (yes/no fields as booleans).
/// </summary>
internal static class DemoData
{
    public static Dictionary<string, object> Report => new(StringComparer.Ordinal)
    {
        ["persoon.achternaam"] = "Fictief-Voorbeeld",
        ["persoon.voornamen"] = "Anna",
        ["persoon.woonplaats"] = "Voorbeeldstad",
        ["persoon.telefoon"] = "06-00000000",
        ["melding.inhoud"] = "Fictief: werkt zeven dagen per week in een kas, paspoort ingenomen door de werkgever",
        ["melding.uitbuitingsvorm"] = "arbeid",
        ["melding.locatie-uitbuiting"] = "Kasweg 1, Voorbeeldstad (fictief)",
        ["melding.melder-naam"] = "Buurman Demo (fictief)",
        ["melding.melder-contactgegevens"] = "demo-melder@example.invalid",
    };

    public static Dictionary<string, object> FirstWeighing => new(StringComparer.Ordinal)
    {
        ["eerste-weging.situatie-actueel"] = true,
        ["eerste-weging.veiligheid"] = "onveilig",
        ["eerste-weging.kwalificatie"] = "mensenhandel",
        ["eerste-weging.dreiging"] = "Fictief: werkgever dreigt familie in het herkomstland",
    };

    public static Dictionary<string, object> SecondWeighing => new(StringComparer.Ordinal)
    {
        ["tweede-weging.uitkomst"] = "mensenhandel-en-zorg",
        ["tweede-weging.bedenktijd"] = true,
        ["tweede-weging.cognitief-niveau"] = "geen-aanwijzing",
    };

    public static Dictionary<string, object> Investigation => new(StringComparer.Ordinal)
    {
        ["voortgang.strafrechtelijk-onderzoek"] = true,
        ["voortgang.strafrechtelijk-onderzoek-status"] = "opsporing",
        ["voortgang.strafrechtelijk-onderzoek-notities"] = "Fictief: twee verdachten in beeld, doorzoeking gepland",
    };

    public static Dictionary<string, object> Care => new(StringComparer.Ordinal)
    {
        ["voortgang.interventie"] = "Fictief: opvang in een beschermde woonvorm",
        ["voortgang.interventie-door"] = "Fictief zorgteam Voorbeeldstad",
    };

    public static Dictionary<string, object> Aftercare => new(StringComparer.Ordinal)
    {
        ["voortgang.nazorg"] = "Fictief: begeleiding overgedragen aan het wijkteam",
    };
}
