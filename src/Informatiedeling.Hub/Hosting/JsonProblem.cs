using System.Text.Json;

namespace Informatiedeling.Hub.Hosting;

/// <summary>
/// What the JSON reader refused in a request body, said by the member's path alone: the reader's own message can
/// quote a .NET type or, for some converters, part of the value, so it never reaches the answer.
/// </summary>
internal static class JsonProblem
{
    /// <summary>The key of a refusal of the body as a whole (not JSON at all, or not the object the route takes).</summary>
    public const string Body = "body";

    private const int MaxMemberLength = 200;

    public static (string Member, string Problem) Describe(JsonException exception)
    {
        var member = Member(exception.Path);
        var message = exception.Message;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal) && Unmapped(message) is { } name)
        {
            // The reader reports the object the unknown member is in; the member itself is what the caller has to drop.
            return (Join(member, name), "is not a member of this request: an unknown member is refused, not dropped");
        }

        if (message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return (member, $"nests deeper than {RequestBodies.MaxDepth} levels");
        }

        return exception.Path is null
            ? (member, "is not valid JSON")
            : (member, "is not of the JSON type this member takes (or not valid JSON there)");
    }

    /// <summary><c>$.person.fullName</c> as <c>person.fullName</c>; <c>$</c> (or no path) as <see cref="Body"/>.</summary>
    public static string Member(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return Body;
        }

        var member = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return Printable(member);
    }

    private static string Join(string parent, string name)
    {
        var printable = Printable(name);
        var child = printable.Contains('.', StringComparison.Ordinal) ? $"['{printable}']" : printable;
        if (parent == Body)
        {
            return printable;
        }

        // Some readers already put the unknown member in the path.
        return parent.EndsWith("." + printable, StringComparison.Ordinal) || parent.EndsWith($"['{printable}']", StringComparison.Ordinal)
            ? parent
            : child.StartsWith('[') ? parent + child : $"{parent}.{child}";
    }

    /// <summary>The member name quoted first in the reader's message ("The JSON property 'bsn' could not be mapped …").</summary>
    private static string? Unmapped(string message)
    {
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf("' could not be mapped", start + 1, StringComparison.Ordinal);
        return end > start ? message[(start + 1)..end] : null;
    }

    /// <summary>A member name as the caller sent it, without control or formatting (bidirectional) characters, cut short.</summary>
    private static string Printable(string text) =>
        new([.. text.Take(MaxMemberLength).Where(c => !char.IsControl(c) && char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format)]);
}
