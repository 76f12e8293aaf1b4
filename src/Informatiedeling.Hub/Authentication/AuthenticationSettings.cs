using System.ComponentModel.DataAnnotations;

namespace Informatiedeling.Hub.Authentication;

/// <summary>
/// The identity providers the hub trusts: typically one per partner organisation. Each may only assert the
/// partners listed for it, so a compromised or misconfigured provider cannot speak for another organisation.
/// </summary>
public sealed class HubAuthenticationOptions
{
    public const string Section = "Authentication";

    public List<TrustedIssuer> Issuers { get; set; } = [];

    public DevelopmentIssuerOptions DevelopmentIssuer { get; set; } = new();

    /// <summary>Tolerance for clock differences when checking token lifetimes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a request with a key id its issuer has not published waits for the issuer's keys to be fetched
    /// anew (a rotation); then it is refused. Zero: never wait.
    /// </summary>
    public TimeSpan KeyRotationWait { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>One OpenID Connect provider: where it is, which audience its tokens carry, which claims mean what.</summary>
public sealed class TrustedIssuer
{
    [Required]
    public string Name { get; set; } = "";

    /// <summary>The exact <c>iss</c> value; discovery is fetched from <c>{Issuer}/.well-known/openid-configuration</c>.</summary>
    [Required]
    public string Issuer { get; set; } = "";

    [Required]
    public string Audience { get; set; } = "";

    public string UserClaim { get; set; } = "sub";

    public string PartnerClaim { get; set; } = "partner";

    /// <summary>
    /// The claim that carries the user's function, e.g. <c>function</c>. Empty (the default): this issuer asserts no
    /// function, so none of its users is a privacy officer. Set, its value is matched exactly against
    /// <see cref="PartnerPrivacyOfficerFunction"/> (on by default) and <see cref="PrivacyOfficerFunction"/> (off by default).
    /// </summary>
    public string? FunctionClaim { get; set; }

    /// <summary>
    /// The value of <see cref="FunctionClaim"/> that makes a user the hub's privacy officer (functionaris
    /// gegevensbescherming, convenant art. 9.2), who reviews every partner's accesses and reads the reasons of legal
    /// holds. None by default: set it (e.g. <c>privacy-officer</c>) only for the provider of the organisation whose
    /// privacy officer supervises the hub, so that a partner's provider set up for its own privacy officer cannot
    /// make anyone the hub's.
    /// </summary>
    public string? PrivacyOfficerFunction { get; set; }

    /// <summary>
    /// The value of <see cref="FunctionClaim"/> that makes a user the privacy officer of the partner the token names:
    /// they review what that partner's employees did, and nothing of other partners. Empty: this issuer cannot assert it.
    /// </summary>
    public string? PartnerPrivacyOfficerFunction { get; set; } = PartnerClaims.PartnerPrivacyOfficer;

    /// <summary>
    /// The value of <see cref="FunctionClaim"/> that makes a user a functional administrator (functioneel beheerder), who
    /// proposes changes to the sharing rules (<c>/policy/proposals</c>). None by default: set it (e.g.
    /// <c>functioneel-beheerder</c>) only for the provider of the organisation that administers the hub. A proposal takes
    /// effect only once a privacy officer who is not its author approved it.
    /// </summary>
    public string? FunctionalAdministratorFunction { get; set; }

    /// <summary>The partners this issuer may assert. Required: an issuer that may assert anyone is a single point of failure.</summary>
    [MinLength(1)]
    public List<string> Partners { get; set; } = [];

    /// <summary>Only for loopback test providers; production metadata is always fetched over HTTPS.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The shortest time between two refreshes of the provider's signing keys (on an unknown key id).</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The hub as this provider's client for people signing in with a browser (authorization code with PKCE). Absent:
    /// the provider's organisation is not offered on the sign-in page; its systems still use bearer tokens.
    /// </summary>
    public BrowserClient? Browser { get; set; }
}

/// <summary>The hub's registration at a provider for browser sign-in.</summary>
public sealed class BrowserClient
{
    /// <summary>What the sign-in page calls the organisation, e.g. "Politie".</summary>
    [Required]
    public string DisplayName { get; set; } = "";

    [Required]
    public string ClientId { get; set; } = "";

    /// <summary>A confidential client's secret (mounted from a secret store); empty for a public client, which PKCE protects.</summary>
    public string? ClientSecret { get; set; }
}

/// <summary>A built-in issuer for local use without any provider. Refused outside the Development environment.</summary>
public sealed class DevelopmentIssuerOptions
{
    public bool Enabled { get; set; }
}
