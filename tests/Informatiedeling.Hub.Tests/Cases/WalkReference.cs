namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>
/// The tables of /work/shared/convenant-reference.md written out once, as the walk expects them, with the rule ids
/// and articles of policies/*.yaml: default RASCI per step, what each role sees, the fences. The walk compares the
/// hub's answers with these, never with the hub's own policy engine.
/// </summary>
internal static class WalkReference
{
    /// <summary>Marks the role that every invited shell partner holds in a step.</summary>
    public const string InvitedShell = "*shell";

    /// <summary>Default RASCI per step. veilig-thuis is both R and A in melding; a partner holds one role at a time (art. 2.5), listed first.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> DefaultRasci =
        new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal)
        {
            ["melding"] = Roles(("veilig-thuis", "R"), ("zvh", "I")),
            ["eerste-weging"] = Roles(("veilig-thuis", "R"), ("zvh", "A"), ("politie", "C"), ("zorgcoordinatie", "C")),
            ["casusoverleg"] = Roles(("veilig-thuis", "R"), ("zvh", "A"), ("politie", "S"), ("om", "S"), ("zorgcoordinatie", "S"), ("gemeente", "S"), (InvitedShell, "C")),
            ["uitvoering"] = Roles(("zorgcoordinatie", "R"), ("politie", "R"), ("zvh", "A"), ("om", "A"), ("gemeente", "S"), (InvitedShell, "C"), ("veilig-thuis", "I")),
            ["nazorg"] = Roles(("zorgcoordinatie", "R"), ("zvh", "A"), ("gemeente", "S"), ("politie", "I")),
        };

    /// <summary>What a role may see, for a purpose allowed to it (rule, article).</summary>
    public static readonly IReadOnlyDictionary<string, (string[] Categories, string Rule, string Article)> RoleViews =
        new Dictionary<string, (string[], string, string)>(StringComparer.Ordinal)
        {
            ["R"] = (["statisch", "dynamisch", "exceptioneel"], "zicht-r", "6.1"),
            ["A"] = (["statisch", "dynamisch", "exceptioneel"], "zicht-a", "6.1"),
            ["S"] = (["statisch", "dynamisch"], "zicht-s", "6.2"),
            ["C"] = (["dynamisch"], "zicht-c", "6.3"),
            ["I"] = ([], "zicht-i", "6.4"),
        };

    /// <summary>The purposes: rule id and article (policies/purposes.yaml).</summary>
    public static readonly IReadOnlyDictionary<string, (string Rule, string Article)> Purposes = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["signalering-en-weging"] = ("doel-signalering-en-weging", "3.2"),
        ["casusoverleg"] = ("doel-casusoverleg", "3.3"),
        ["zorgcoordinatie"] = ("doel-zorgcoordinatie", "3.4"),
        ["strafrechtelijke-handhaving"] = ("doel-strafrechtelijke-handhaving", "3.5"),
        ["acute-veiligheid"] = ("doel-acute-veiligheid", "3.6"),
        ["evaluatie"] = ("doel-evaluatie", "3.7"),
        ["monitoring"] = ("doel-monitoring", "3.8"),
    };

    public static readonly (string Rule, string Article) FenceStrafrechtelijk = ("hek-strafrechtelijk", "7.1");
    public static readonly (string Rule, string Article) FenceMelder = ("hek-melder-identiteit", "7.2");
    public static readonly (string Rule, string Article) FenceAcute = ("hek-acute-veiligheid", "7.3");
    public static readonly (string Rule, string Article) FenceEvaluatie = ("hek-evaluatie", "7.4");
    public static readonly (string Rule, string Article) FenceClosed = ("hek-gesloten-dossier", "7.5");
    public static readonly (string Rule, string Article) Unknown = ("onbekend", "7.6");
    public static readonly (string Rule, string Article) Invitation = ("uitnodiging", "2.4");

    /// <summary>The role a partner holds in a step by default, an invited shell partner included; null for none.</summary>
    public static string? RoleOf(string step, string partner, bool invited)
    {
        var roles = DefaultRasci[step];
        if (roles.TryGetValue(partner, out var role))
        {
            return role;
        }

        return invited && ConvenantWalk.ShellPartners.Contains(partner) && roles.TryGetValue(InvitedShell, out var shell) ? shell : null;
    }

    /// <summary>The categories a partner in a role receives under a purpose that is allowed to it, fences applied.</summary>
    public static string[] Released(string partner, string role, string purpose)
    {
        var released = RoleViews[role].Categories.ToList();
        if (purpose == "acute-veiligheid")
        {
            released.Remove("exceptioneel");
        }

        if (purpose == "strafrechtelijke-handhaving" && ConvenantWalk.InvestigativeServices.Contains(partner) && role is "R" or "A" or "S")
        {
            released.Add("strafrechtelijk");
        }

        if (purpose == "signalering-en-weging" && partner == "veilig-thuis" && role is "R" or "A")
        {
            released.Add("melder-identiteit");
        }

        return [.. released];
    }

    /// <summary>The rule and article that withhold a category from a partner in a role under an allowed purpose.</summary>
    public static (string Rule, string Article) WithheldBy(string category, string role, string purpose) => category switch
    {
        "strafrechtelijk" => FenceStrafrechtelijk,
        "melder-identiteit" => FenceMelder,
        _ when purpose == "acute-veiligheid" && category is not ("statisch" or "dynamisch") => FenceAcute,
        _ => (RoleViews[role].Rule, RoleViews[role].Article),
    };

    private static Dictionary<string, string> Roles(params (string Partner, string Role)[] roles) =>
        roles.ToDictionary(r => r.Partner, r => r.Role, StringComparer.Ordinal);
}
