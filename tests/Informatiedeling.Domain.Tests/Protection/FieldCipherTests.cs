using System.Security.Cryptography;
using System.Text;
using Informatiedeling.Cases;
using Informatiedeling.Protection;

namespace Informatiedeling.Domain.Tests.Protection;

/// <summary>AES-256-GCM per field: fresh nonces, and a ciphertext bound to its case, field, category and key version.</summary>
public sealed class FieldCipherTests
{
    private static readonly FieldBinding Binding = new("cs-0123456789abcdefghjkmnpqrs", "persoon.adres", "statisch", 1);

    [Fact]
    public void Round_trip_with_a_fresh_nonce_each_time()
    {
        using var aes = new AesGcm(RandomNumberGenerator.GetBytes(32), 16);
        var plaintext = Encoding.UTF8.GetBytes("Dorpsstraat 1, Utrecht");

        var first = FieldCipher.Encrypt(aes, Binding, plaintext);
        var second = FieldCipher.Encrypt(aes, Binding, plaintext);

        Assert.NotEqual(first, second);
        Assert.NotEqual(first.AsSpan(1, 12).ToArray(), second.AsSpan(1, 12).ToArray());
        var output = new byte[plaintext.Length];
        Assert.True(FieldCipher.TryDecrypt(aes, Binding, first, output));
        Assert.Equal(plaintext, output);
        Assert.Equal(FieldCipher.Overhead + plaintext.Length, first.Length);
    }

    [Theory]
    [InlineData("cs-0123456789abcdefghjkmnpqrt", "persoon.adres", "statisch", 1)]
    [InlineData("cs-0123456789abcdefghjkmnpqrs", "persoon.woonplaats", "statisch", 1)]
    [InlineData("cs-0123456789abcdefghjkmnpqrs", "persoon.adres", "dynamisch", 1)]
    [InlineData("cs-0123456789abcdefghjkmnpqrs", "persoon.adres", "statisch", 2)]
    public void A_ciphertext_does_not_decrypt_under_any_other_binding(string caseId, string field, string category, int version)
    {
        using var aes = new AesGcm(RandomNumberGenerator.GetBytes(32), 16);
        var ciphertext = FieldCipher.Encrypt(aes, Binding, "geheim"u8);

        var output = new byte[6];
        Assert.False(FieldCipher.TryDecrypt(aes, new FieldBinding(caseId, field, category, version), ciphertext, output));
        Assert.All(output, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Every_single_bit_flip_is_detected()
    {
        using var aes = new AesGcm(RandomNumberGenerator.GetBytes(32), 16);
        var ciphertext = FieldCipher.Encrypt(aes, Binding, "waarde"u8);
        var output = new byte[6];
        for (var bit = 0; bit < ciphertext.Length * 8; bit++)
        {
            var altered = ciphertext.ToArray();
            altered[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(FieldCipher.TryDecrypt(aes, Binding, altered, output), $"bit {bit}");
        }
    }

    [Fact]
    public void Truncated_or_foreign_data_is_refused_not_thrown()
    {
        using var aes = new AesGcm(RandomNumberGenerator.GetBytes(32), 16);
        Assert.False(FieldCipher.TryDecrypt(aes, Binding, new byte[5], []));
        Assert.False(FieldCipher.TryDecrypt(aes, Binding, new byte[40], new byte[40 - FieldCipher.Overhead]));
    }

    [Fact]
    public void Length_prefixes_keep_different_bindings_apart()
    {
        Assert.NotEqual(FieldCipher.BindingPrefix("ab", "c", 1), FieldCipher.BindingPrefix("a", "bc", 1));
    }

    [Theory]
    [InlineData("Ána  de Vries", "ana de vries")]
    [InlineData("  JOSÉ-María   García ", "jose maria garcia")]
    [InlineData("Zoë O'Neill", "zoe o neill")]
    [InlineData("Łukasz Żółw", "łukasz zołw")]
    public void Names_are_normalised_before_the_blind_index(string name, string normalised)
    {
        Assert.Equal(normalised, BlindIndex.Normalize(name));
    }

    [Fact]
    public void The_blind_index_depends_on_the_key_the_name_and_the_date_of_birth()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var index = new BlindIndex(key);
        var value = index.Compute("Ana de Vries", new DateOnly(1999, 4, 12));

        Assert.Equal(value, index.Compute("ANA DE VRIES", new DateOnly(1999, 4, 12)));
        Assert.NotEqual(value, index.Compute("Ana de Vries", new DateOnly(1999, 4, 13)));
        Assert.NotEqual(value, new BlindIndex(RandomNumberGenerator.GetBytes(32)).Compute("Ana de Vries", new DateOnly(1999, 4, 12)));
        Assert.DoesNotContain("vries", value, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Case_pseudonyms_are_random_well_formed_and_parse_back()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 1000; i++)
        {
            var pseudonym = CasePseudonym.New();
            Assert.True(seen.Add(pseudonym.Value));
            Assert.True(CasePseudonym.TryParse(pseudonym.Value, out var parsed));
            Assert.Equal(pseudonym, parsed);
        }

        Assert.False(CasePseudonym.TryParse("cs-0123456789abcdefghjkmnpqri", out _)); // 'i' is not in the alphabet
        Assert.False(CasePseudonym.TryParse("cs-123", out _));
        Assert.False(CasePseudonym.TryParse("../etc/passwd", out _));
        Assert.False(CasePseudonym.TryParse(null, out _));
    }
}
