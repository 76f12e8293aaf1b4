using System.Globalization;
using Informatiedeling.Policy;

namespace Informatiedeling.Cases;

/// <summary>
/// Checks a value against its field's type in the catalogue. Messages name the field and the expected form,
/// never the value itself: a value may be personal data and must not reach a log or an error response.
/// </summary>
public static class FieldValues
{
    public const int MaxTextLength = 8000;

    public static string? Problem(FieldDefinition field, string value) => field.Type switch
    {
        FieldType.Text when value.Length > MaxTextLength => $"field '{field.Id}' is longer than {MaxTextLength} characters",
        FieldType.Text when value.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t') => $"field '{field.Id}' holds control characters",
        FieldType.Text => null,
        FieldType.Date => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? null : $"field '{field.Id}' must be a date written yyyy-MM-dd",
        FieldType.Boolean => value is "true" or "false" ? null : $"field '{field.Id}' must be true or false",
        // The catalogue's whole numbers are ages and counts: none is ever below zero.
        FieldType.Integer => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? null : $"field '{field.Id}' must be a whole number, not negative",
        FieldType.Enum => field.Values.Contains(value, StringComparer.Ordinal)
            ? null : $"field '{field.Id}' must be one of: {string.Join(", ", field.Values)}",
        _ => $"field '{field.Id}' has an unknown type",
    };
}
