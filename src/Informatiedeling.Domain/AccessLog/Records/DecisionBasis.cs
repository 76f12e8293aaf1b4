namespace Informatiedeling.AccessLog.Records;

/// <summary>What a basis names: the engine's question a record answers.</summary>
public enum DecisionBasisKind : byte
{
    /// <summary>No basis, or one this code does not know: not replayable.</summary>
    None,

    /// <summary>A read of case data under a declared purpose.</summary>
    Purpose,

    /// <summary>Aggregated figures under a declared purpose: no role, no step, as for a closed case, no category.</summary>
    Figures,

    /// <summary>Mere standing on a case: any role in its current step, a shell partner only while invited.</summary>
    Standing,

    /// <summary>An action of actions.yaml.</summary>
    Action,
}

/// <summary>
/// The spelling of <see cref="AccessRecord.Basis"/>: <c>purpose</c>, <c>figures</c>, <c>standing</c>, or
/// <c>action:&lt;action id&gt;</c> with options after it: <c>;any-step</c> when the caller's standing was judged in any
/// step (a legal hold: no second role of the current step is tried), <c>;new-case</c> for an action on no case yet (taken
/// in the recorded step of an open case, without a role), <c>;standing</c> when acting also needed standing on the case.
/// Identifiers only, never personal data.
/// </summary>
public static class DecisionBasis
{
    public const string Purpose = "purpose";

    public const string Figures = "figures";

    public const string Standing = "standing";

    private const string ActionPrefix = "action:";
    private const string AnyStepOption = ";any-step";
    private const string NewCaseOption = ";new-case";
    private const string StandingOption = ";standing";

    /// <summary>The basis of an action decision.</summary>
    public static string Action(string action, bool anyStep = false, bool newCase = false, bool needsStanding = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(action);
        return string.Concat(ActionPrefix, action, anyStep ? AnyStepOption : "", newCase ? NewCaseOption : "", needsStanding ? StandingOption : "");
    }

    /// <summary>What <paramref name="basis"/> names; <see cref="DecisionBasisKind.None"/> for none or an unknown spelling.</summary>
    public static ParsedBasis Parse(string? basis)
    {
        switch (basis)
        {
            case null: return default;
            case Purpose: return new(DecisionBasisKind.Purpose);
            case Figures: return new(DecisionBasisKind.Figures);
            case Standing: return new(DecisionBasisKind.Standing);
        }

        if (!basis.StartsWith(ActionPrefix, StringComparison.Ordinal))
        {
            return default;
        }

        var rest = basis.AsSpan(ActionPrefix.Length);
        var end = rest.IndexOf(';');
        var action = (end < 0 ? rest : rest[..end]).ToString();
        var options = end < 0 ? [] : rest[end..];
        var (anyStep, newCase, needsStanding) = (false, false, false);
        while (options.Length > 0)
        {
            var next = options[1..].IndexOf(';');
            var option = next < 0 ? options : options[..(next + 1)];
            if (option.SequenceEqual(AnyStepOption) && !anyStep)
            {
                anyStep = true;
            }
            else if (option.SequenceEqual(NewCaseOption) && !newCase)
            {
                newCase = true;
            }
            else if (option.SequenceEqual(StandingOption) && !needsStanding)
            {
                needsStanding = true;
            }
            else
            {
                return default;
            }

            options = options[option.Length..];
        }

        return action.Length == 0 ? default : new(DecisionBasisKind.Action, action, anyStep, newCase, needsStanding);
    }
}

/// <summary>A basis read back: its kind, and for an action the action id and its options (<see cref="DecisionBasis"/>).</summary>
public readonly record struct ParsedBasis(DecisionBasisKind Kind, string? Action = null, bool AnyStep = false, bool NewCase = false, bool NeedsStanding = false);
