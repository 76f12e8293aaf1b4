using System.Text.Json.Serialization;

namespace Informatiedeling.Policy.Administration;

/// <summary>Whether a file is new, gone, or there in both with other text.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FileChangeKind>))]
public enum FileChangeKind
{
    [JsonStringEnumMemberName("added")]
    Added,
    [JsonStringEnumMemberName("removed")]
    Removed,
    [JsonStringEnumMemberName("changed")]
    Changed,
}

/// <summary>A file of a policy bundle that differs, with its line diff (every line of an added or removed file).</summary>
public sealed record FileChange(string Path, FileChangeKind Kind, IReadOnlyList<DiffLine> Lines);

/// <summary>The text diff of two bundles of files (path to text), file by file in ordinal order of path; unchanged files are left out.</summary>
public static class FileDiff
{
    public static IReadOnlyList<FileChange> Compare(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changes = new List<FileChange>();
        foreach (var path in before.Keys.Union(after.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var old = before.GetValueOrDefault(path);
            var now = after.GetValueOrDefault(path);
            if (string.Equals(old, now, StringComparison.Ordinal))
            {
                continue;
            }

            var kind = old is null ? FileChangeKind.Added : now is null ? FileChangeKind.Removed : FileChangeKind.Changed;
            changes.Add(new FileChange(path, kind, TextDiff.Compare(old, now)));
        }

        return changes;
    }
}
