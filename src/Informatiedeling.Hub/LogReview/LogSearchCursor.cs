using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Informatiedeling.Hub.Access;

namespace Informatiedeling.Hub.LogReview;

/// <summary>
/// Where a page of a log search ended, opaque to the caller (<see cref="Paging.Cursor"/>): the seq of its oldest
/// record. The next page holds the matching records below it, so pages neither skip nor repeat while the log grows.
/// It carries no criterion: the search is asked again with each page, and checked and recorded again.
/// </summary>
internal sealed record LogSearchCursor(long BeforeSeq)
{
    private const string Version = "l1";

    public override string ToString() => Paging.Cursor(Version, BeforeSeq.ToString(CultureInfo.InvariantCulture));

    public static bool TryParse(string text, [NotNullWhen(true)] out LogSearchCursor? cursor)
    {
        cursor = null;
        if (!Paging.TryReadCursor(text, Version, 2, out var parts)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return false;
        }

        cursor = new LogSearchCursor(seq);
        return true;
    }
}
