using System.Diagnostics.CodeAnalysis;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Access;

namespace Informatiedeling.Hub.Retention;

/// <summary>
/// Where a page of the upcoming purges ended, and the instant the listing describes: opaque to the caller
/// (<see cref="Paging.Cursor"/>). It holds a case pseudonym and a category name, never a personal value. The instant is on
/// the hub's calendar (<see cref="At"/>) and on the database's clock (<see cref="DatabaseAt"/>), which holds' placements
/// and lifts are compared with.
/// </summary>
internal sealed record UpcomingCursor(DateTimeOffset At, DateTimeOffset PurgeAt, string Case, string Category, DateTimeOffset DatabaseAt)
{
    private const string Version = "u2";

    /// <summary>The listing's order: purge date, then case pseudonym, then category (ordinal).</summary>
    public static readonly Comparison<UpcomingPurge> Order = (x, y) => Compare(x.PurgeAt, x.Case, x.Category, y.PurgeAt, y.Case, y.Category);

    /// <summary>Whether <paramref name="purge"/> comes after the last entry of the page this cursor ended.</summary>
    public bool Precedes(UpcomingPurge purge) => Compare(PurgeAt, Case, Category, purge.PurgeAt, purge.Case, purge.Category) < 0;

    public override string ToString() =>
        Paging.Cursor(Version, Paging.Ticks(At), Paging.Ticks(PurgeAt), Case, Category, Paging.Ticks(DatabaseAt));

    public static bool TryParse(string text, [NotNullWhen(true)] out UpcomingCursor? cursor)
    {
        cursor = null;
        if (!Paging.TryReadCursor(text, Version, 6, out var parts)
            || !Paging.TryTicks(parts[1], out var at) || !Paging.TryTicks(parts[2], out var purgeAt)
            || !CasePseudonym.TryParse(parts[3], out _) || !IsCategoryName(parts[4]) || !Paging.TryTicks(parts[5], out var databaseAt))
        {
            return false;
        }

        cursor = new UpcomingCursor(at, purgeAt, parts[3], parts[4], databaseAt);
        return true;
    }

    private static int Compare(DateTimeOffset xAt, string xCase, string xCategory, DateTimeOffset yAt, string yCase, string yCategory)
    {
        var order = xAt.UtcTicks.CompareTo(yAt.UtcTicks);
        if (order == 0)
        {
            order = string.CompareOrdinal(xCase, yCase);
        }

        return order != 0 ? order : string.CompareOrdinal(xCategory, yCategory);
    }

    private static bool IsCategoryName(string text) =>
        text.Length is > 0 and <= 64 && text.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
