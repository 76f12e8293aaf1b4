using Informatiedeling.Hub.Access;
using System.Globalization;
using System.Text.Json;
using Informatiedeling.Cases;
using Informatiedeling.Policy;

namespace Informatiedeling.Hub.Cases;

/// <summary>
/// A request's field values, each in the JSON type its catalogue entry gives it — a boolean for <c>boolean</c>, a
/// whole number for <c>integer</c>, a string for <c>text</c>, <c>date</c> (yyyy-MM-dd) and <c>enum</c> — turned into
/// the string form the client file stores. A value of another JSON type (the string "true" for a yes/no field, a
/// number as a string, null) is refused, named by its member, never quoted.
/// </summary>
internal static class FieldJson
{
    /// <summary>The member path of a field in a request body, as the JSON reader names it.</summary>
    public static string Member(string field) => $"fields['{Problems.Printable(field)}']";

    public static FieldValuesRead Read(PolicySet set, IReadOnlyDictionary<string, JsonElement> fields)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (id, value) in fields)
        {
            if (set.FindField(id) is not { } field)
            {
                errors[Member(id)] = [$"unknown field '{Problems.Printable(id)}': not in the field catalogue"];
                continue;
            }

            var text = Stored(field, value);
            var problem = text is null ? Expected(field) : FieldValues.Problem(field, text);
            if (problem is null)
            {
                values[id] = text!;
            }
            else
            {
                errors[Member(id)] = [problem];
            }
        }

        return new FieldValuesRead(values, errors);
    }

    private static string? Stored(FieldDefinition field, JsonElement value) => (field.Type, value.ValueKind) switch
    {
        (FieldType.Boolean, JsonValueKind.True) => "true",
        (FieldType.Boolean, JsonValueKind.False) => "false",
        (FieldType.Integer, JsonValueKind.Number) => value.TryGetInt64(out var number) ? number.ToString(CultureInfo.InvariantCulture) : null,
        (FieldType.Text or FieldType.Date or FieldType.Enum, JsonValueKind.String) => value.GetString(),
        _ => null,
    };

    private static string Expected(FieldDefinition field) => field.Type switch
    {
        FieldType.Boolean => $"field '{field.Id}' is a yes/no field: a JSON boolean, true or false (not a string)",
        FieldType.Integer => $"field '{field.Id}' must be a whole number as a JSON number (not a string)",
        FieldType.Date => $"field '{field.Id}' must be a date as a JSON string written yyyy-MM-dd",
        FieldType.Enum => $"field '{field.Id}' must be a JSON string, one of: {string.Join(", ", field.Values)}",
        _ => $"field '{field.Id}' must be a JSON string",
    };
}

/// <summary>Field values in their stored string form, and the problems of those that were refused (keyed by member path).</summary>
internal sealed record FieldValuesRead(Dictionary<string, string> Values, Dictionary<string, string[]> Errors)
{
    public bool Valid => Errors.Count == 0;
}
