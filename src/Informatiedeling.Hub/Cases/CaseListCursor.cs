using System.Diagnostics.CodeAnalysis;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Access;
using Informatiedeling.Storage.Cases;

namespace Informatiedeling.Hub.Cases;

/// <summary>
/// Where a page of "my cases" ended, opaque to the caller (<see cref="Paging.Cursor"/>): the instant its last case
/// entered its current step and that case's pseudonym, never a personal value. The next page starts after it.
/// </summary>
internal sealed record CaseListCursor(CaseListKey Key)
{
    private const string Version = "c1";

    public override string ToString() => Paging.Cursor(Version, Paging.Ticks(Key.InStepSince), Key.Pseudonym.Value);

    public static bool TryParse(string text, [NotNullWhen(true)] out CaseListCursor? cursor)
    {
        cursor = null;
        if (!Paging.TryReadCursor(text, Version, 3, out var parts)
            || !Paging.TryTicks(parts[1], out var since) || !CasePseudonym.TryParse(parts[2], out var pseudonym))
        {
            return false;
        }

        cursor = new CaseListCursor(new CaseListKey(since, pseudonym));
        return true;
    }
}
