using System.Text.Json.Serialization;
using DiffPlex;
using DiffPlex.Chunkers;

namespace Informatiedeling.Policy.Administration;

/// <summary>Whether a line is in both texts, only in the newer one, or only in the older one.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DiffLineKind>))]
public enum DiffLineKind
{
    [JsonStringEnumMemberName("unchanged")]
    Unchanged,
    [JsonStringEnumMemberName("added")]
    Added,
    [JsonStringEnumMemberName("removed")]
    Removed,
}

/// <summary>
/// One line of a line diff, without its line ending, with its 1-based number in the older text
/// (<see cref="OldNumber"/>, null for an added line) and in the newer text (<see cref="NewNumber"/>, null for a removed one).
/// </summary>
public sealed record DiffLine(DiffLineKind Kind, int? OldNumber, int? NewNumber, string Text);

/// <summary>
/// A line diff of two texts, every line of both in order: unchanged lines, and per change the removed lines before
/// the added ones. Lines are compared with their endings, so a line that only gained or lost its line ending (or
/// went from CRLF to LF) shows as removed and added again rather than hiding a change the content hash sees.
/// </summary>
public static class TextDiff
{
    /// <summary>The lines of <paramref name="before"/> and <paramref name="after"/>; a null text has no lines (a file that is not there).</summary>
    public static IReadOnlyList<DiffLine> Compare(string? before, string? after)
    {
        var result = Differ.Instance.CreateDiffs(before ?? "", after ?? "", ignoreWhiteSpace: false, ignoreCase: false, LineEndingsPreservingChunker.Instance);
        var (olds, news) = (result.PiecesOld, result.PiecesNew);
        var lines = new List<DiffLine>(Math.Max(olds.Count, news.Count));
        var (a, b) = (0, 0);
        foreach (var block in result.DiffBlocks)
        {
            for (; a < block.DeleteStartA; a++, b++)
            {
                lines.Add(new DiffLine(DiffLineKind.Unchanged, a + 1, b + 1, Text(olds[a])));
            }

            for (; a < block.DeleteStartA + block.DeleteCountA; a++)
            {
                lines.Add(new DiffLine(DiffLineKind.Removed, a + 1, null, Text(olds[a])));
            }

            for (b = block.InsertStartB; b < block.InsertStartB + block.InsertCountB; b++)
            {
                lines.Add(new DiffLine(DiffLineKind.Added, null, b + 1, Text(news[b])));
            }
        }

        for (; a < olds.Count; a++, b++)
        {
            lines.Add(new DiffLine(DiffLineKind.Unchanged, a + 1, b + 1, Text(olds[a])));
        }

        return lines;
    }

    private static string Text(string piece) => piece.TrimEnd('\r', '\n');
}
