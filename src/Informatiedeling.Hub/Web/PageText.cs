using System.Globalization;

namespace Informatiedeling.Hub.Web;

/// <summary>How the pages write instants and decisions: in Dutch, in Dutch time; one place for every page.</summary>
internal static class PageText
{
    public static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl-NL");

    public static readonly TimeZoneInfo Zone = TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Amsterdam", out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>When, in Dutch and in Dutch time, to the second or to the minute.</summary>
    public static string When(DateTimeOffset at, bool seconds = true) =>
        TimeZoneInfo.ConvertTime(at, Zone).ToString(seconds ? "d MMMM yyyy HH:mm:ss" : "d MMMM yyyy HH:mm", Dutch);

    /// <summary>The instant as a machine reads it, for the <c>time</c> element.</summary>
    public static string Instant(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>The day in the Netherlands of an instant, as date fields and the day view take it.</summary>
    public static string Day(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>An access decision as the access log names it, in Dutch.</summary>
    public static string DecisionText(string? decision) => decision switch
    {
        "permit" => "toegestaan",
        "partial" => "deels toegestaan",
        "deny" => "geweigerd",
        "error" => "niet verwerkt",
        null => "—",
        var other => other,
    };
}
