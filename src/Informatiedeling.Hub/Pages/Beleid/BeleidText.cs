using System.Globalization;
using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.PolicyAdministration;
using Informatiedeling.Hub.Web;
using Informatiedeling.Policy.Administration;

namespace Informatiedeling.Hub.Pages.Beleid;

/// <summary>
/// How the pages of the sharing rules word what the policy broker answers: statuses, the sections and aspects of the
/// diff by meaning, and its refusals, in Dutch. The broker keeps stable English keys; this is the one translation.
/// </summary>
internal static class BeleidText
{
    /// <summary>The statuses of a proposal, as the broker names them and in Dutch.</summary>
    public static string Status(string status) => status switch
    {
        "open" => "Open",
        "approved" => "Goedgekeurd",
        "scheduled" => "Gepland",
        "activated" => "In werking",
        "rejected" => "Afgewezen",
        var other => other,
    };

    /// <summary>A content hash as the pages show it: its first twelve characters (the whole one in the title attribute).</summary>
    public static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;

    public static string Section(string section) => section switch
    {
        "purposes" => "Doelen",
        "roleViews" => "Zicht per rol",
        "fences" => "Afschermingen",
        "retention" => "Bewaartermijnen",
        "defaultRasci" => "Standaardrollen per stap (RASCI)",
        "fields" => "Velden",
        "actions" => "Handelingen",
        var other => other,
    };

    public static string Kind(RuleChangeKind kind) => kind switch
    {
        RuleChangeKind.Added => "nieuwe regel",
        RuleChangeKind.Removed => "vervallen regel",
        _ => "gewijzigde regel",
    };

    public static string Direction(ChangeDirection direction) => direction switch
    {
        ChangeDirection.Widens => "verruimt",
        ChangeDirection.Narrows => "beperkt",
        _ => "neutraal",
    };

    public static string Aspect(string aspect) => aspect switch
    {
        "partners" => "partners",
        "steps" => "stappen",
        "roles" => "rollen",
        "status" => "status van het dossier",
        "scope" => "reikwijdte",
        "categories" => "categorieën",
        "purposes" => "doelen",
        "justification" => "onderbouwing",
        "obligations" => "verplichtingen",
        "days" => "bewaartermijn in dagen",
        "category" => "categorie",
        "evaluation" => "in het evaluatierecord",
        "type" => "soort",
        "values" => "waarden",
        "label" => "omschrijving",
        "id" => "kenmerk van de regel",
        "article" => "artikel",
        "shell" => "rollen in de schil",
        _ when aspect.StartsWith("partner:", StringComparison.Ordinal) => "rollen van " + aspect["partner:".Length..],
        var other => other,
    };

    /// <summary>A single value of an aspect (before or after) in Dutch where it is a word of the broker's, as it is otherwise.</summary>
    public static string Value(string? value) => value switch
    {
        null => "—",
        "none" => "geen",
        "required" => "verplicht",
        "true" => "ja",
        "false" => "nee",
        "open" => "open",
        "closed" => "gesloten",
        "any" => "open en gesloten",
        var other => other,
    };

    public static string Names(IReadOnlyList<string> names) => names.Count == 0 ? "—" : string.Join(", ", names);

    public static string Count(long count) => count.ToString("N0", PageText.Dutch);

    public static string Samples(IReadOnlyList<long> samples) =>
        samples.Count == 0 ? "—" : string.Join(", ", samples.Select(s => s.ToString(CultureInfo.InvariantCulture)));

    /// <summary>What differs between a recorded and a replayed outcome, in Dutch.</summary>
    public static string Differs(string what) => what switch
    {
        "decision" => "besluit",
        "released" => "vrijgegeven categorieën",
        "rule" => "regel",
        var other => other,
    };

    /// <summary>
    /// A refusal of the policy broker, in Dutch: the heading and what to do. The broker's titles are stable; one it does
    /// not know here is shown with its own words.
    /// </summary>
    public static PageProblem Explain(ProblemAnswer answer)
    {
        var details = answer.Value;
        var items = details.Extensions.TryGetValue("problems", out var list) && list is IEnumerable<string> problems ? problems.Select(Item).ToList() : [];
        (string Heading, string Detail) said = details.Title switch
        {
            "Only for the functional administrator" => ("Alleen voor de functioneel beheerder",
                "Een wijziging van de deelregels voorstellen of bewerken is voorbehouden aan de functioneel beheerder. Uw poging is vastgelegd."),
            "Only for the privacy officer" when details.Detail?.Contains("functional administrator", StringComparison.Ordinal) == true => ("Niet toegestaan",
                "De deelregels en de voorstellen om ze te wijzigen zijn in te zien door de functioneel beheerder en de functionaris gegevensbescherming van de hub. Uw poging is vastgelegd."),
            "Only for the privacy officer" => ("Alleen voor de functionaris gegevensbescherming",
                "Een voorstel goedkeuren of afwijzen is voorbehouden aan de functionaris gegevensbescherming van de hub. Uw poging is vastgelegd."),
            "Not your own proposal" => ("Vier ogen",
                "U hebt dit voorstel zelf gedaan; een andere functionaris gegevensbescherming keurt het goed."),
            "Not your proposal" => ("Niet uw voorstel", "Alleen de auteur wijzigt een voorstel; doe anders zelf een voorstel."),
            "The proposal is decided" => ("Over het voorstel is beslist",
                "Een voorstel dat is afgewezen, gepland of in werking gesteld, wordt niet meer gewijzigd of doorgerekend; doe een nieuw voorstel."),
            "Not open for approval" => ("Niet ter goedkeuring", "Alleen een open voorstel wordt goedgekeurd; dit voorstel is al beoordeeld of in werking."),
            "Not open for a decision" => ("Niet meer te beoordelen", "Over dit voorstel is al definitief beslist."),
            "The proposal changed" or "The proposal changed meanwhile" => ("Het voorstel is intussen gewijzigd",
                "Er is een nieuwere versie van het voorstel. Bekijk de wijzigingen opnieuw en beoordeel die versie."),
            "The impact is not replayed" => ("Het effect is niet berekend",
                "Bereken eerst het effect van deze versie van het voorstel op de vastgelegde besluiten; daarna kan het worden goedgekeurd."),
            "The widening is not acknowledged" => ("De verruiming is niet bevestigd",
                "Dit voorstel verruimt wat een partner krijgt (zie de wijzigingen naar betekenis). Bevestig dat u die verruiming hebt gezien en goedkeurt."),
            "The approval is incomplete" => ("De goedkeuring is onvolledig", "De versie van het voorstel ontbreekt; open het voorstel opnieuw."),
            "The rejection is incomplete" => ("Geef een reden",
                $"Vul de reden van de afwijzing in (ten hoogste {PolicyProposals.MaxReasonLength} tekens), over de regels en nooit over een persoon."),
            "The activation is incomplete" => ("Het moment is niet geldig",
                "Kies een moment in de toekomst, ten hoogste een jaar vooruit, of laat het leeg om het voorstel meteen in werking te stellen."),
            "Not approved" => ("Niet goedgekeurd",
                "Alleen een versie die een functionaris gegevensbescherming die niet de auteur is heeft goedgekeurd, wordt in werking gesteld."),
            "Other rules are in force" => ("Er gelden intussen andere regels",
                "De versie waarop dit voorstel is gemaakt, geldt niet meer. Bewerk het voorstel op de regels die nu gelden, zodat de wijzigingen en het effect kloppen."),
            "Another activation is scheduled" => ("Er is al een inwerkingtreding gepland", "Wacht tot die ingaat, en stel dit voorstel daarna in werking."),
            "Another activation came first" => ("Een andere inwerkingtreding was eerder", "Open het overzicht opnieuw en bewerk het voorstel zo nodig."),
            "The proposal changes nothing" => ("Het voorstel verandert niets", "De bestanden zijn gelijk aan die van de versie die nu geldt."),
            "The proposal is incomplete" or "The revision is incomplete" => ("Het voorstel is onvolledig", "Pas het volgende aan:"),
            "Proposal not found" => ("Niet gevonden", "Er is geen voorstel met dit nummer."),
            "Version not found" => ("Niet gevonden", "Er is geen bewaarde versie met dit kenmerk."),
            _ => ("Dit kan zo niet worden verwerkt", details.Detail ?? details.Title ?? ""),
        };
        return new PageProblem(said.Heading, said.Detail, null, null, items);
    }

    /// <summary>The broker's positions of a refused proposal (file, line, column), when it refused the files themselves.</summary>
    public static IReadOnlyList<ProposalProblem>? Positions(ProblemAnswer answer) =>
        answer.Value.Extensions.TryGetValue("positions", out var positions) && positions is IEnumerable<ProposalProblem> found ? [.. found] : null;

    private static string Item(string problem) => problem switch
    {
        _ when problem.StartsWith("'title' is required", StringComparison.Ordinal) => "Titel: beschrijf in één regel waarvoor de wijziging is.",
        _ when problem.StartsWith("'title'", StringComparison.Ordinal) => $"Titel: 1 tot {PolicyProposals.MaxTitleLength} tekens op één regel.",
        _ when problem.StartsWith("a revision changes", StringComparison.Ordinal) => "Wijzig de tekst of de titel van het voorstel.",
        _ when problem.StartsWith("'at'", StringComparison.Ordinal) => "Moment: in de toekomst, ten hoogste een jaar vooruit.",
        _ when problem.StartsWith("'reason'", StringComparison.Ordinal) => "Reden: 1 tot 2000 tekens.",
        _ when problem.StartsWith("'acknowledgeWidening'", StringComparison.Ordinal) => "Vink aan dat u de verruiming hebt gezien.",
        _ => problem,
    };
}
