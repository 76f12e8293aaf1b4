using System.Globalization;
using System.Text.Json;
using Informatiedeling.Policy;

namespace Informatiedeling.Hub.Web;

/// <summary>One field of the catalogue as a form shows it: its definition, what was typed, and what is wrong with it.</summary>
internal sealed record FieldInput(FieldDefinition Field, string? Value, string? Error)
{
    public string Id => Field.Id.Replace('.', '-');

    public string Name => FieldForm.Prefix + Field.Id;
}

/// <summary>
/// Fields of the client file in a form: one input per field, of its catalogue type; read back into the JSON values the
/// API takes (a string, a whole number, <c>true</c>). Empty inputs are not sent; what was typed is kept for the page.
/// </summary>
internal static class FieldForm
{
    public const string Prefix = "veld:";

    public static Dictionary<string, JsonElement> Read(
        IFormCollection form, IEnumerable<FieldDefinition> fields, Dictionary<string, string> values, Dictionary<string, string> errors)
    {
        var read = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            var text = form[Prefix + field.Id].ToString().Trim();
            if (text.Length == 0 || (field.Type == FieldType.Boolean && text != "true"))
            {
                continue;
            }

            values[field.Id] = text;
            switch (field.Type)
            {
                case FieldType.Integer when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number):
                    read[field.Id] = JsonSerializer.SerializeToElement(number);
                    break;
                case FieldType.Integer:
                    errors[field.Id] = $"{field.Label}: vul een geheel getal in.";
                    break;
                case FieldType.Boolean:
                    read[field.Id] = JsonSerializer.SerializeToElement(true);
                    break;
                default:
                    read[field.Id] = JsonSerializer.SerializeToElement(text);
                    break;
            }
        }

        return read;
    }
}
