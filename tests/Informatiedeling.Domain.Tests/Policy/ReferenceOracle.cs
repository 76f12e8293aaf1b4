namespace Informatiedeling.Domain.Tests.Policy;

/// <summary>
/// convenant-reference.md written out literally, independent of the policy files and of the engine: what each
/// request must receive. The engine compiled from policies/ must agree with it on every combination.
/// </summary>
internal static class ReferenceOracle
{
    public static readonly string[] Core = ["politie", "om", "veilig-thuis", "zorgcoordinatie", "zvh", "gemeente"];
    public static readonly string[] Shell = ["arbeidsinspectie", "kmar", "riec", "ggd", "coa", "ind", "jeugdbescherming"];
    public static readonly string[] Investigative = ["politie", "om", "arbeidsinspectie", "kmar"];
    public static readonly string[] Partners = [.. Core, .. Shell];
    public static readonly string[] Steps = ["melding", "eerste-weging", "casusoverleg", "uitvoering", "nazorg"];
    public static readonly string[] Categories = ["statisch", "dynamisch", "exceptioneel", "strafrechtelijk", "melder-identiteit"];
    public static readonly string[] Purposes =
        ["signalering-en-weging", "casusoverleg", "zorgcoordinatie", "strafrechtelijke-handhaving", "acute-veiligheid", "evaluatie", "monitoring"];

    public static bool ShellHasRole(string partner, DateTimeOffset at, DateTimeOffset? invitedUntil) =>
        !Shell.Contains(partner) || (invitedUntil is { } until && at <= until);

    /// <summary>Whether <paramref name="category"/> is released.</summary>
    public static bool Permits(
        string partner, string? role, string step, bool closed, string purpose, string category, bool justified, bool invitationValid)
    {
        if (role is null || (Shell.Contains(partner) && !invitationValid))
        {
            return false; // no role on the case: nothing
        }

        if (closed)
        {
            return false; // fence 5, and evaluatie/monitoring release no category (fence 4; aggregated only)
        }

        var purposeAllowed = purpose switch
        {
            "signalering-en-weging" => new[] { "veilig-thuis", "zvh", "politie", "zorgcoordinatie" }.Contains(partner) && step is "melding" or "eerste-weging",
            "casusoverleg" => step == "casusoverleg",
            "zorgcoordinatie" => new[] { "zorgcoordinatie", "veilig-thuis", "gemeente", "ggd", "coa", "jeugdbescherming" }.Contains(partner) && step is "uitvoering" or "nazorg",
            "strafrechtelijke-handhaving" => Investigative.Contains(partner) && step is "casusoverleg" or "uitvoering",
            "acute-veiligheid" => Core.Contains(partner) && role is "R" or "A" && justified,
            _ => false, // evaluatie: closed cases only; monitoring: never one case
        };
        if (!purposeAllowed)
        {
            return false;
        }

        return category switch
        {
            "strafrechtelijk" => Investigative.Contains(partner) && role is "R" or "A" or "S" && purpose == "strafrechtelijke-handhaving",
            "melder-identiteit" => partner == "veilig-thuis" && role is "R" or "A" && purpose == "signalering-en-weging",
            _ when purpose == "acute-veiligheid" && category == "exceptioneel" => false,
            _ => role switch
            {
                "R" or "A" => category is "statisch" or "dynamisch" or "exceptioneel",
                "S" => category is "statisch" or "dynamisch",
                "C" => category == "dynamisch",
                _ => false,
            },
        };
    }

    /// <summary>Evaluation record or aggregated figures released (never a category).</summary>
    public static bool ReleasesScope(string partner, string? role, bool closed, string purpose, bool invitationValid) => purpose switch
    {
        "evaluatie" => closed && partner is "zvh" or "riec",
        "monitoring" => Core.Contains(partner),
        _ => false,
    };
}
