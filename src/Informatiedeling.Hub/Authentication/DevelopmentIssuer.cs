using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Informatiedeling.Hub.Authentication;

/// <summary>
/// For local use only: mints access tokens for the reference partners with a key that lives in memory for the
/// life of the process. The hub refuses to start with it in any environment but Development.
/// </summary>
public sealed class DevelopmentIssuer : IDisposable
{
    public const string IssuerName = "https://development-issuer.informatiedeling.invalid";
    public const string Audience = "urn:informatiedeling";

    /// <summary>The claims of its tokens: <c>sub</c>, <c>partner</c> and <c>function</c>.</summary>
    internal static readonly AuthenticationSetup.IssuerClaims Claims = new("sub", "partner", "function", PartnerClaims.PrivacyOfficer, PartnerClaims.PartnerPrivacyOfficer, PartnerClaims.FunctionalAdministrator);

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly TimeProvider _time;

    public DevelopmentIssuer(TimeProvider time)
    {
        _time = time;
        SigningKey = new ECDsaSecurityKey(_key) { KeyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) };
    }

    public ECDsaSecurityKey SigningKey { get; }

    public string Mint(string partner, string user, TimeSpan lifetime, string? function = null)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        List<Claim> claims = [new Claim("sub", user), new Claim("partner", partner)];
        if (!string.IsNullOrEmpty(function))
        {
            claims.Add(new Claim("function", function));
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = IssuerName,
            Audience = Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.EcdsaSha256),
        });
    }

    public void Dispose() => _key.Dispose();
}
