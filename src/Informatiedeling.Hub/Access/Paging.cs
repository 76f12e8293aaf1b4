using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Informatiedeling.Hub.Access;

/// <summary>
/// What the paged listings share: the size of a page as the query gives it, and the text of a cursor, opaque to the
/// caller: base64url of a version and its fields, separated by '|'. A cursor's fields are identifiers and instants
/// (as UTC ticks), never a personal value; each cursor type checks its own fields after <see cref="TryReadCursor"/>.
/// </summary>
internal static class Paging
{
    private const int MaxCursorLength = 256;

    /// <summary>The page size asked for: <paramref name="fallback"/> when absent; else a whole number from 1 to <paramref name="max"/>, or a problem naming 'limit'.</summary>
    public static int Limit(string? text, int fallback, int max, List<string> problems)
    {
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit >= 1 && limit <= max)
        {
            return limit;
        }

        problems.Add($"'limit' must be a whole number from 1 to {max}");
        return fallback;
    }

    public static string Cursor(string version, params string[] fields) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(version + "|" + string.Join('|', fields)));

    /// <summary>The fields of a cursor of <paramref name="version"/> with <paramref name="count"/> parts (the version included); false for anything else.</summary>
    public static bool TryReadCursor(string text, string version, int count, [NotNullWhen(true)] out string[]? parts)
    {
        parts = null;
        if (text.Length is 0 or > MaxCursorLength || !Base64Url.IsValid(text))
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

        var split = decoded.Split('|');
        if (split.Length != count || split[0] != version)
        {
            return false;
        }

        parts = split;
        return true;
    }

    public static string Ticks(DateTimeOffset at) => at.UtcTicks.ToString(CultureInfo.InvariantCulture);

    public static bool TryTicks(string text, out DateTimeOffset at)
    {
        at = default;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        at = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }
}
