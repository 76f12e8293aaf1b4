using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using System.Text.Json;
using Informatiedeling.Policy;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Informatiedeling.Hub.Authentication;

/// <summary>
/// Who the hub takes a caller to be: only what admission derived from a validated token. The principal it makes
/// holds these claims and nothing of the token, so no claim a provider put in the token can stand in for one of the
/// hub's own.
/// </summary>
internal sealed record AdmittedCaller(string Partner, string User, string Issuer, string? Function)
{
    public bool PrivacyOfficer => Function == PartnerClaims.PrivacyOfficer;

    public const string AuthenticationType = "partner";

    public ClaimsPrincipal ToPrincipal()
    {
        List<Claim> claims = [new(PartnerClaims.Partner, Partner), new(PartnerClaims.User, User), new(PartnerClaims.Issuer, Issuer)];
        if (PartnerClaims.IsKnownFunction(Function))
        {
            claims.Add(new Claim(PartnerClaims.Function, Function!));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, PartnerClaims.User, null));
    }
}

/// <summary>
/// Admits a validated token: its user and partner claims must each be one JSON string, the partner one this issuer
/// may assert and the convenant knows; a function claim (where the issuer may assert one) one JSON string too; and
/// no claim may be named in the hub's own namespace, which only the hub sets.
/// </summary>
internal static class Admission
{
    /// <summary>The prefix of the hub's own claims (<see cref="PartnerClaims"/>); a token carrying one is refused.</summary>
    public const string HubNamespace = "infodeel:";

    /// <summary>The longest user id (a subject identifier) the hub admits; OpenID Connect's own limit for <c>sub</c> is 255 ASCII characters.</summary>
    public const int MaxUserLength = 255;

    public static bool TryAdmit(
        SecurityToken token, string issuer, AuthenticationSetup.IssuerClaims claims, IReadOnlyCollection<string>? allowed, Vocabulary vocabulary,
        [NotNullWhen(true)] out AdmittedCaller? caller, [NotNullWhen(false)] out string? problem)
    {
        caller = null;
        if (token is not JsonWebToken jwt)
        {
            problem = "The token is not a JSON web token.";
            return false;
        }

        // The claims are read from the validated payload itself: a JSON array or object would become several
        // claims of one type (or one of another value type), and which of them counts must not be a guess.
        string? user = null, partner = null, function = null;
        using (var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload)))
        {
            foreach (var member in payload.RootElement.EnumerateObject())
            {
                if (member.Name.StartsWith(HubNamespace, StringComparison.OrdinalIgnoreCase))
                {
                    problem = "The token carries a claim in the hub's own namespace.";
                    return false;
                }

                if ((Read(member, claims.User, ref user) ?? Read(member, claims.Partner, ref partner)
                        ?? (claims.Function is { } named ? Read(member, named, ref function) : null)) is { } wrong)
                {
                    problem = wrong;
                    return false;
                }
            }
        }

        if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(partner))
        {
            problem = "The token has no user or no partner claim.";
            return false;
        }

        if (user.Length > MaxUserLength)
        {
            // A subject id, not a text: the log and the proposals keep it in full, never cut.
            problem = $"The token's user claim is longer than {MaxUserLength} characters.";
            return false;
        }

        if (allowed is not null && !allowed.Contains(partner, StringComparer.Ordinal))
        {
            problem = "The issuer asserted a partner it may not assert.";
            return false;
        }

        if (!vocabulary.Partners.TryGetIndex(partner, out _))
        {
            problem = "The partner is not a party to the convenant.";
            return false;
        }

        // Only a function this issuer may assert, in the exact form configured for it; anything else is no function.
        caller = new AdmittedCaller(partner, user, issuer, FunctionOf(function, claims));
        problem = null;
        return true;
    }

    /// <summary>The hub's function for the token's function value: a configured value matched exactly and never an empty one.</summary>
    private static string? FunctionOf(string? function, AuthenticationSetup.IssuerClaims claims)
    {
        if (string.IsNullOrEmpty(function))
        {
            return null;
        }

        if (!string.IsNullOrEmpty(claims.PrivacyOfficer) && string.Equals(function, claims.PrivacyOfficer, StringComparison.Ordinal))
        {
            return PartnerClaims.PrivacyOfficer;
        }

        if (!string.IsNullOrEmpty(claims.FunctionalAdministrator) && string.Equals(function, claims.FunctionalAdministrator, StringComparison.Ordinal))
        {
            return PartnerClaims.FunctionalAdministrator;
        }

        return !string.IsNullOrEmpty(claims.PartnerPrivacyOfficer) && string.Equals(function, claims.PartnerPrivacyOfficer, StringComparison.Ordinal)
            ? PartnerClaims.PartnerPrivacyOfficer
            : null;
    }

    /// <summary>Takes the member's value when it is the claim <paramref name="name"/>: once, and a string; else says why not.</summary>
    private static string? Read(JsonProperty member, string name, ref string? value)
    {
        if (!string.Equals(member.Name, name, StringComparison.Ordinal))
        {
            return null;
        }

        if (value is not null || member.Value.ValueKind != JsonValueKind.String)
        {
            return "A user, partner or function claim of the token is not exactly one string.";
        }

        value = member.Value.GetString()!;
        return null;
    }
}
