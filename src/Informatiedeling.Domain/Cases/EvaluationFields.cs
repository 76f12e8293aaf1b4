using Informatiedeling.Policy;

namespace Informatiedeling.Cases;

/// <summary>
/// The fields of the client file that the anonymous evaluation record and the monitoring figures may take a value
/// from: only fields the catalogue marks <c>evaluation: true</c>, and only when they are enums, so what is copied is
/// one of a closed list of values and never free text about a person.
/// </summary>
public static class EvaluationFields
{
    /// <summary>The type of exploitation (<c>melding.uitbuitingsvorm</c>).</summary>
    public const string ExploitationType = "melding.uitbuitingsvorm";

    /// <summary>The outcome of the second weighing (<c>tweede-weging.uitkomst</c>).</summary>
    public const string Outcome = "tweede-weging.uitkomst";

    /// <summary>The catalogue's fields that may be copied into the evaluation record or counted.</summary>
    public static IReadOnlyList<FieldDefinition> Of(PolicySet set) =>
        [.. set.Fields.Where(f => f.Evaluation && f.Type == FieldType.Enum)];

    /// <summary>The field, if the catalogue marks it for evaluation; otherwise null (then nothing is copied from it).</summary>
    public static FieldDefinition? Find(PolicySet set, string id) =>
        set.FindField(id) is { Evaluation: true, Type: FieldType.Enum } field ? field : null;
}
