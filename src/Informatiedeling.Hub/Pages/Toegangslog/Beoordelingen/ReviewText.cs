using Informatiedeling.Hub.LogReview;

namespace Informatiedeling.Hub.Pages.Toegangslog.Beoordelingen;

/// <summary>How the review pages word a review: the dispositions and the state in Dutch.</summary>
internal static class ReviewText
{
    public static readonly (string Value, string Text)[] Dispositions =
        [("justified", "Gerechtvaardigd"), ("unjustified", "Niet gerechtvaardigd"), ("escalated", "Geëscaleerd")];

    public static string Disposition(string? value) =>
        Dispositions.FirstOrDefault(d => d.Value == value).Text ?? value ?? "—";

    /// <summary>The state as a word, so that overdue is not told by colour alone.</summary>
    public static string State(ReviewRow row) => row.Disposition is { } d ? Disposition(d.Disposition) : row.Overdue ? "Te laat" : "Open";

    public static string Days(int days) => days == 1 ? "1 dag" : $"{days} dagen";
}
