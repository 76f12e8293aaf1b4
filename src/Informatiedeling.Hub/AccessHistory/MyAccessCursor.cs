using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Informatiedeling.Hub.Access;

namespace Informatiedeling.Hub.AccessHistory;

/// <summary>
/// Where a page of the caller's own access history ended, opaque to the caller (<see cref="Paging.Cursor"/>): the seq
/// of its oldest record, never a personal value. The next page holds the records below it. It names no partner or
/// user: whoever presents it reads their own history from there, and nobody else's.
/// </summary>
internal sealed record MyAccessCursor(long BeforeSeq)
{
    private const string Version = "m1";

    public override string ToString() => Paging.Cursor(Version, BeforeSeq.ToString(CultureInfo.InvariantCulture));

    public static bool TryParse(string text, [NotNullWhen(true)] out MyAccessCursor? cursor)
    {
        cursor = null;
        if (!Paging.TryReadCursor(text, Version, 2, out var parts)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return false;
        }

        cursor = new MyAccessCursor(seq);
        return true;
    }
}
