using Informatiedeling.Policy.Administration;

namespace Informatiedeling.Domain.Tests.Policy.Administration;

/// <summary>The line diff gives every line of both texts with its numbers, and the file diff only the files that changed.</summary>
public sealed class TextDiffTests
{
    [Fact]
    public void A_changed_line_is_removed_then_added_with_its_old_and_new_number()
    {
        var lines = TextDiff.Compare("a\nb\nc\n", "a\nB\nc\nd\n");

        Assert.Equal(
            [
                new DiffLine(DiffLineKind.Unchanged, 1, 1, "a"),
                new DiffLine(DiffLineKind.Removed, 2, null, "b"),
                new DiffLine(DiffLineKind.Added, null, 2, "B"),
                new DiffLine(DiffLineKind.Unchanged, 3, 3, "c"),
                new DiffLine(DiffLineKind.Added, null, 4, "d"),
            ],
            lines);
    }

    [Fact]
    public void Lines_removed_at_the_start_shift_the_numbers_of_the_rest()
    {
        var lines = TextDiff.Compare("x\ny\na\nb", "a\nb\nz");

        Assert.Equal(
            [
                new DiffLine(DiffLineKind.Removed, 1, null, "x"),
                new DiffLine(DiffLineKind.Removed, 2, null, "y"),
                new DiffLine(DiffLineKind.Unchanged, 3, 1, "a"),
                new DiffLine(DiffLineKind.Removed, 4, null, "b"),
                new DiffLine(DiffLineKind.Added, null, 2, "b"),
                new DiffLine(DiffLineKind.Added, null, 3, "z"),
            ],
            lines);
    }

    [Fact]
    public void A_missing_text_has_no_lines_and_equal_texts_are_all_unchanged()
    {
        Assert.Equal([new DiffLine(DiffLineKind.Added, null, 1, "a"), new DiffLine(DiffLineKind.Added, null, 2, "b")], TextDiff.Compare(null, "a\nb\n"));
        Assert.Equal([new DiffLine(DiffLineKind.Removed, 1, null, "a")], TextDiff.Compare("a\n", null));
        Assert.Empty(TextDiff.Compare(null, null));
        Assert.All(TextDiff.Compare("a\r\nb\r\n", "a\r\nb\r\n"), l => Assert.Equal(DiffLineKind.Unchanged, l.Kind));
    }

    [Fact]
    public void A_line_that_only_changed_its_ending_is_shown_as_changed()
    {
        Assert.Equal(
            [
                new DiffLine(DiffLineKind.Unchanged, 1, 1, "a"),
                new DiffLine(DiffLineKind.Removed, 2, null, "b"),
                new DiffLine(DiffLineKind.Added, null, 2, "b"),
            ],
            TextDiff.Compare("a\r\nb\r\n", "a\r\nb\n"));
    }

    [Fact]
    public void A_shorter_retention_in_the_policy_file_is_one_line_removed_and_one_added()
    {
        var before = ReferencePolicy.Policies().Single(p => p.Path == "retention.yaml").Text;
        var after = before.Replace("category: exceptioneel, days: 90", "category: exceptioneel, days: 60", StringComparison.Ordinal);
        var number = before.Split('\n').ToList().FindIndex(l => l.Contains("bewaar-exceptioneel", StringComparison.Ordinal)) + 1;

        var changed = TextDiff.Compare(before, after).Where(l => l.Kind != DiffLineKind.Unchanged).ToList();

        Assert.Equal(
            [
                new DiffLine(DiffLineKind.Removed, number, null, "  - { id: bewaar-exceptioneel, category: exceptioneel, days: 90, article: \"8.3\" }"),
                new DiffLine(DiffLineKind.Added, null, number, "  - { id: bewaar-exceptioneel, category: exceptioneel, days: 60, article: \"8.3\" }"),
            ],
            changed);
    }

    [Fact]
    public void The_file_diff_names_each_added_removed_and_changed_file_and_leaves_out_the_rest()
    {
        var before = new Dictionary<string, string>
        {
            ["purposes.yaml"] = "purposes:\n  - a\n",
            ["retention.yaml"] = "retention:\n  - x\n",
            ["old.yaml"] = "gone\n",
        };
        var after = new Dictionary<string, string>
        {
            ["purposes.yaml"] = "purposes:\n  - a\n",
            ["retention.yaml"] = "retention:\n  - y\n",
            ["new.yaml"] = "here\n",
        };

        var files = FileDiff.Compare(before, after);

        Assert.Equal(["new.yaml Added", "old.yaml Removed", "retention.yaml Changed"], files.Select(f => $"{f.Path} {f.Kind}"));
        Assert.Equal([new DiffLine(DiffLineKind.Added, null, 1, "here")], files[0].Lines);
        Assert.Equal([new DiffLine(DiffLineKind.Removed, 1, null, "gone")], files[1].Lines);
        Assert.Equal(
            [
                new DiffLine(DiffLineKind.Unchanged, 1, 1, "retention:"),
                new DiffLine(DiffLineKind.Removed, 2, null, "  - x"),
                new DiffLine(DiffLineKind.Added, null, 2, "  - y"),
            ],
            files[2].Lines);
        Assert.Empty(FileDiff.Compare(before, before));
    }
}
