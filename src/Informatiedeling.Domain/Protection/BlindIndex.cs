using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Informatiedeling.Protection;

/// <summary>
/// Finds the existing file of the same person without a plaintext lookup: HMAC-SHA256 under a secret key that
/// is kept in the key store, never in the case database, over the normalised name and the date of birth.
/// Normalisation makes "Ána  de Vries" and "ana de vries" the same person; it does not guess at typos.
/// </summary>
public sealed class BlindIndex(byte[] key)
{
    public const int KeySize = 32;

    private readonly byte[] _key = key.Length == KeySize ? key : throw new ArgumentException("A blind-index key is 32 bytes.", nameof(key));

    /// <summary>Lowercase hex of the HMAC over the normalised name and ISO date of birth.</summary>
    public string Compute(string fullName, DateOnly dateOfBirth)
    {
        var input = Encoding.UTF8.GetBytes($"{Normalize(fullName)}\n{dateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
        try
        {
            return Convert.ToHexStringLower(HMACSHA256.HashData(_key, input));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    /// <summary>Letters and digits without diacritics, lowercase, words separated by one space.</summary>
    public static string Normalize(string name)
    {
        var decomposed = name.Normalize(NormalizationForm.FormKD);
        var builder = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            switch (CharUnicodeInfo.GetUnicodeCategory(c))
            {
                case UnicodeCategory.NonSpacingMark:
                    continue;
                case UnicodeCategory.LowercaseLetter or UnicodeCategory.UppercaseLetter or UnicodeCategory.TitlecaseLetter
                    or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber:
                    if (space && builder.Length > 0)
                    {
                        builder.Append(' ');
                    }

                    builder.Append(char.ToLowerInvariant(c));
                    space = false;
                    break;
                default:
                    space = true;
                    break;
            }
        }

        return builder.ToString();
    }
}
