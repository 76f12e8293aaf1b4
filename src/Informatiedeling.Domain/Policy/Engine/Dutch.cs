namespace Informatiedeling.Policy.Engine;

/// <summary>
/// The convenant's names in a Dutch sentence, for the explanations a case worker reads: partners by the names the
/// convenant gives them, steps, purposes and categories by their own (Dutch) identifiers, RASCI roles with their meaning.
/// </summary>
internal static class Dutch
{
    private static readonly string[] RoleMeanings = ["verantwoordelijk", "eindverantwoordelijk", "ondersteunend", "geraadpleegd", "geïnformeerd"];

    public static string Role(Role role) => $"{role.Name()} ({RoleMeanings[(int)role]})";

    public static string Roles(byte mask) =>
        (mask == 0 ? "geen rol" : "de rol ") + Join(Enumerable.Range(0, Policy.Roles.Count).Where(i => (mask & (1 << i)) != 0).Select(i => Role((Role)i)));

    public static string Partners(Vocabulary v, ulong mask) =>
        Join(Members(v.Partners, mask).Select(i => i < v.PartnerNames.Length ? v.PartnerNames[i] : v.Partners.Names[i]), "geen partner");

    public static string Steps(Vocabulary v, ulong mask) => mask == 0 ? "geen stap" : "de stap " + List(v.Steps, mask);

    public static string List(NameTable names, ulong mask) => Join(Members(names, mask).Select(i => names.Names[i]));

    private static IEnumerable<int> Members(NameTable names, ulong mask) => Enumerable.Range(0, names.Count).Where(i => (mask & (1UL << i)) != 0);

    /// <summary>"a", "a of b", "a, b of c"; <paramref name="none"/> when there is nothing.</summary>
    private static string Join(IEnumerable<string> items, string none = "niets")
    {
        var list = items.ToList();
        return list.Count switch
        {
            0 => none,
            1 => list[0],
            _ => $"{string.Join(", ", list.Take(list.Count - 1))} of {list[^1]}",
        };
    }
}
