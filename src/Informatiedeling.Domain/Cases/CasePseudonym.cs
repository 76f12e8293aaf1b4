using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Informatiedeling.Cases;

/// <summary>
/// The name of a case everywhere outside its encrypted file: URLs, logs, the access log. Random,
/// derived from nothing about the person, written as <c>cs-</c> and 26 lowercase base-32 characters (130 random bits).
/// </summary>
public readonly record struct CasePseudonym
{
    private const string Prefix = "cs-";
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    private const int Characters = 26;

    private CasePseudonym(string value) => Value = value;

    public string Value { get; }

    /// <summary>A new pseudonym: 26 characters drawn uniformly by the system CSPRNG (130 bits).</summary>
    public static CasePseudonym New() => new(Prefix + RandomNumberGenerator.GetString(Alphabet, Characters));

    public static bool TryParse([NotNullWhen(true)] string? text, out CasePseudonym pseudonym)
    {
        pseudonym = default;
        if (text is null || text.Length != Prefix.Length + Characters || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        for (var i = Prefix.Length; i < text.Length; i++)
        {
            if (!Alphabet.Contains(text[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        pseudonym = new CasePseudonym(text);
        return true;
    }

    public override string ToString() => Value;
}
