using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Informatiedeling.Cases;

namespace Informatiedeling.Hub.Retention;

/// <summary>
/// Where a page of the upcoming purges ended, and the instant the listing describes: opaque to the caller (base64url
/// of a versioned text). It holds a case pseudonym and a category name, never a personal value. The instant is on
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

    public override string ToString() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(
        CultureInfo.InvariantCulture, $"{Version}|{At.UtcTicks}|{PurgeAt.UtcTicks}|{Case}|{Category}|{DatabaseAt.UtcTicks}")));

    public static bool TryParse(string text, [NotNullWhen(true)] out UpcomingCursor? cursor)
    {
        cursor = null;
        if (text.Length is 0 or > 256 || !Base64Url.IsValid(text))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(text));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return false;
        }

        var parts = decoded.Split('|');
        if (parts.Length != 6 || parts[0] != Version
            || !TryTicks(parts[1], out var at) || !TryTicks(parts[2], out var purgeAt)
            || !CasePseudonym.TryParse(parts[3], out _) || !IsCategoryName(parts[4]) || !TryTicks(parts[5], out var databaseAt))
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

    private static bool TryTicks(string text, out DateTimeOffset at)
    {
        at = default;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        at = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    private static bool IsCategoryName(string text) =>
        text.Length is > 0 and <= 64 && text.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
