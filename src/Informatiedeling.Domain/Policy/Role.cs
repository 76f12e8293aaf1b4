namespace Informatiedeling.Policy;

/// <summary>RASCI: the role a partner holds on a case in its current step (convenant art. 5.2).</summary>
public enum Role : byte
{
    /// <summary>Responsible.</summary>
    R,

    /// <summary>Accountable.</summary>
    A,

    /// <summary>Supportive.</summary>
    S,

    /// <summary>Consulted.</summary>
    C,

    /// <summary>Informed.</summary>
    I,
}

public static class Roles
{
    public const int Count = 5;

    public static readonly string[] Names = ["R", "A", "S", "C", "I"];

    public static bool TryParse(string? text, out Role role)
    {
        var index = text is null ? -1 : Array.IndexOf(Names, text);
        role = (Role)Math.Max(index, 0);
        return index >= 0;
    }

    public static string Name(this Role role) => Names[(int)role];

    public static byte Bit(this Role role) => (byte)(1 << (int)role);

    public static string Name(this ReleaseScope scope) => scope switch
    {
        ReleaseScope.EvaluationRecord => "evaluation-record",
        ReleaseScope.Aggregate => "aggregate",
        _ => "case",
    };

    public static string Describe(byte mask) =>
        string.Join(", ", Enumerable.Range(0, Count).Where(i => (mask & (1 << i)) != 0).Select(i => Names[i]));
}

/// <summary>Whether a case is still being worked on. A closed case carries a closure reason.</summary>
public enum CaseStatus : byte
{
    Open,
    Closed,
}

/// <summary>What a purpose releases: data of one case, the anonymous evaluation record, or aggregated figures only.</summary>
public enum ReleaseScope : byte
{
    Case,
    EvaluationRecord,
    Aggregate,
}

/// <summary>Duties that come with a release.</summary>
[Flags]
public enum Obligations : byte
{
    None = 0,

    /// <summary>The privacy officer must review this release afterwards (art. 7.3).</summary>
    Review = 1,
}
