namespace Informatiedeling.Policy;

/// <summary>
/// The spelling rules of every identifier the convenant defines (partners, steps, purposes, categories, rules):
/// lowercase ASCII letters and digits in words joined by single hyphens, as in <c>strafrechtelijke-handhaving</c>.
/// </summary>
public static class Identifier
{
    public const int MaxLength = 64;

    public static bool IsWellFormed(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > MaxLength || value[0] == '-' || value[^1] == '-')
        {
            return false;
        }

        var previousHyphen = false;
        foreach (var c in value)
        {
            var hyphen = c == '-';
            if (!(hyphen || char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)) || (hyphen && previousHyphen))
            {
                return false;
            }

            previousHyphen = hyphen;
        }

        return true;
    }

    /// <summary>
    /// A caller's unknown identifier as it may be echoed in an explanation: at most <see cref="MaxLength"/> characters,
    /// each that is not a letter, digit, hyphen, underscore, dot or space shown as '?', so that an answer never carries control characters or a long value back.
    /// </summary>
    public static string Echo(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var shown = value.Length > MaxLength ? value[..MaxLength] : value;
        var text = string.Create(shown.Length, shown, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsLetterOrDigit(s[i]) || s[i] is '-' or '_' or '.' or ' ' ? s[i] : '?';
            }
        });
        return value.Length > MaxLength ? text + "…" : text;
    }
}
