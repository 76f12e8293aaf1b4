namespace Informatiedeling.Hub.Web;

/// <summary>The operations the access log records, in plain Dutch for the pages; one list for every page that shows records.</summary>
internal static class OperationNames
{
    /// <summary>The operations of the hub in plain Dutch; an operation without a name here is shown as it is recorded.</summary>
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["case.intake"] = "Melding aangenomen",
        ["case.add-report"] = "Melding toegevoegd aan een dossier",
        ["case.list"] = "Mijn zaken bekeken",
        ["case.summary"] = "Overzicht van een dossier bekeken",
        ["case.read"] = "Gegevens van een dossier ingezien",
        ["case.write"] = "Gegevens van een dossier vastgelegd",
        ["case.weighing"] = "Weging vastgelegd",
        ["case.step"] = "Dossier naar een volgende stap gezet",
        ["case.close"] = "Dossier gesloten",
        ["case.rasci"] = "Rollen in een stap vastgesteld",
        ["case.invite"] = "Partner uitgenodigd",
        ["case.invite-withdraw"] = "Uitnodiging ingetrokken",
        ["monitoring.read"] = "Monitoringcijfers opgevraagd",
        ["retention.holds.read"] = "Alle bewaarplichten ingezien",
        ["legal-hold.place"] = "Bewaarplicht vastgelegd",
        ["legal-hold.lift"] = "Bewaarplicht opgeheven",
        ["legal-hold.list"] = "Bewaarplichten van een dossier bekeken",
        ["retention.purge-notices.read"] = "Meldingen van vernietiging ingezien",
        ["retention.upcoming.read"] = "Komende vernietigingen ingezien",
        ["access-log.read"] = "Toegangslog ingezien",
        ["access-log.mine"] = "Mijn inzage bekeken",
        ["access-log.records"] = "Toegangslog doorzocht",
        ["access-log.persons"] = "Persoon gezocht in het toegangslog",
        ["access-log.integrity"] = "Integriteit van het toegangslog bekeken",
        ["access-log.integrity.verify"] = "Toegangslog gecontroleerd",
        ["access-log.integrity.consistency"] = "Toegangslog vergeleken met een bewaard controlepunt",
        ["access-log.export"] = "Toegangslog geëxporteerd",
        ["access-log.subject-report"] = "Inzageverzoek van een betrokkene opgesteld (op kenmerk)",
        ["access-log.subject-report.person"] = "Inzageverzoek van een betrokkene opgesteld (op naam)",
        ["access-log.flags"] = "Signalen van het toegangslog bekeken",
        ["access-log.flags.daily"] = "Dagelijkse signalen van het toegangslog berekend",
        ["access-log.reviews"] = "Beoordelingen van noodtoegang bekeken",
        ["access-log.review-read"] = "Noodtoegang ter beoordeling ingezien",
        ["access-log.review"] = "Noodtoegang beoordeeld",
    };

    /// <summary>The operation in Dutch; one without a name here is shown as it is recorded, none as a dash.</summary>
    public static string What(string? operation) => operation is null ? "—" : Names.GetValueOrDefault(operation, operation);
}
