using System.Diagnostics.CodeAnalysis;

namespace Informatiedeling.Policy;

// Strongly typed identifiers for the boundary: a raw string becomes one of these only when it is well
// formed (see Identifier). Whether the convenant knows it is the decision engine's question, because an
// unknown identifier is a denial with a reason, not a crash.

/// <summary>A partner of the chain, e.g. <c>politie</c>.</summary>
public readonly record struct PartnerId
{
    private PartnerId(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse([NotNullWhen(true)] string? text, out PartnerId id) => IdParsing.TryParse(text, v => new PartnerId(v), out id);

    public override string ToString() => Value;
}

/// <summary>A step of the chain process, e.g. <c>casusoverleg</c>.</summary>
public readonly record struct StepId
{
    private StepId(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse([NotNullWhen(true)] string? text, out StepId id) => IdParsing.TryParse(text, v => new StepId(v), out id);

    public override string ToString() => Value;
}

/// <summary>A declared purpose of an exchange, e.g. <c>zorgcoordinatie</c>.</summary>
public readonly record struct PurposeId
{
    private PurposeId(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse([NotNullWhen(true)] string? text, out PurposeId id) => IdParsing.TryParse(text, v => new PurposeId(v), out id);

    public override string ToString() => Value;
}

/// <summary>A data category, e.g. <c>statisch</c>.</summary>
public readonly record struct CategoryId
{
    private CategoryId(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse([NotNullWhen(true)] string? text, out CategoryId id) => IdParsing.TryParse(text, v => new CategoryId(v), out id);

    public override string ToString() => Value;
}

internal static class IdParsing
{
    public static bool TryParse<T>([NotNullWhen(true)] string? text, Func<string, T> create, out T id)
        where T : struct
    {
        if (text is not null && Identifier.IsWellFormed(text))
        {
            id = create(text);
            return true;
        }

        id = default;
        return false;
    }
}
