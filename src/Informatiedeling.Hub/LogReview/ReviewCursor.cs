using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Informatiedeling.Hub.Access;

namespace Informatiedeling.Hub.LogReview;

/// <summary>
/// Where a page of the review queue ended, opaque to the caller: the seq of its newest item. The queue is oldest first,
/// so the next page holds the items after it; an item disposed in between leaves the open queue without shifting it.
/// </summary>
internal sealed record ReviewCursor(long AfterSeq)
{
    private const string Version = "q1";

    public override string ToString() => Paging.Cursor(Version, AfterSeq.ToString(CultureInfo.InvariantCulture));

    public static bool TryParse(string text, [NotNullWhen(true)] out ReviewCursor? cursor)
    {
        cursor = null;
        if (!Paging.TryReadCursor(text, Version, 2, out var parts)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return false;
        }

        cursor = new ReviewCursor(seq);
        return true;
    }
}
