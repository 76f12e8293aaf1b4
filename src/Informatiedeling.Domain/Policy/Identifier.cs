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
}
