using System.Text.Json;
using Informatiedeling.Hub.Cases;

namespace Informatiedeling.Hub.Tests.Cases;

/// <summary>Intake bodies for tests: field values given as text or typed values, sent in the JSON type each takes.</summary>
internal static class Reports
{
    public static Dictionary<string, JsonElement> Fields(IReadOnlyDictionary<string, object> fields) =>
        fields.ToDictionary(f => f.Key, f => JsonSerializer.SerializeToElement(f.Value, JsonSerializerOptions.Web), StringComparer.Ordinal);

    public static IntakeRequest Intake(string fullName, DateOnly dateOfBirth, IReadOnlyDictionary<string, object> fields) =>
        new(new IntakePerson(fullName, dateOfBirth), Fields(fields));

    public static IntakeRequest Intake(string fullName, DateOnly dateOfBirth, IReadOnlyDictionary<string, string> fields) =>
        Intake(fullName, dateOfBirth, fields.ToDictionary(f => f.Key, f => (object)f.Value, StringComparer.Ordinal));
}
