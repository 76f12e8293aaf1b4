using System.Security.Claims;

namespace Informatiedeling.Hub.Authentication;

/// <summary>
/// The hub's own claims, set once a token from a trusted issuer was validated and admitted (<see cref="AdmittedCaller"/>).
/// Only the hub sets them: a token that carries any claim of this namespace is refused.
/// </summary>
public static class PartnerClaims
{
    public const string Partner = "infodeel:partner";
    public const string User = "infodeel:user";
    public const string Issuer = "infodeel:issuer";

    /// <summary>A function the hub recognises; set only when the issuer may assert it and did.</summary>
    public const string Function = "infodeel:function";

    /// <summary>The hub's privacy officer (functionaris gegevensbescherming, convenant art. 9.2): reviews every partner's accesses.</summary>
    public const string PrivacyOfficer = "privacy-officer";

    /// <summary>A partner's own privacy officer: reviews what that partner's employees did (NEN 7513), nothing of other partners.</summary>
    public const string PartnerPrivacyOfficer = "partner-privacy-officer";

    /// <summary>
    /// The functional administrator (functioneel beheerder): proposes changes to the sharing rules, which take effect only
    /// after a privacy officer who is not the author approves them.
    /// </summary>
    public const string FunctionalAdministrator = "functioneel-beheerder";

    public static string? PartnerOf(this ClaimsPrincipal principal) => principal.FindFirst(Partner)?.Value;

    public static string? UserOf(this ClaimsPrincipal principal) => principal.FindFirst(User)?.Value;

    public static string? FunctionOf(this ClaimsPrincipal principal) => principal.FindFirst(Function)?.Value;

    public static bool IsPrivacyOfficer(this ClaimsPrincipal principal) => principal.HasClaim(Function, PrivacyOfficer);

    public static bool IsPartnerPrivacyOfficer(this ClaimsPrincipal principal) => principal.HasClaim(Function, PartnerPrivacyOfficer);

    public static bool IsFunctionalAdministrator(this ClaimsPrincipal principal) => principal.HasClaim(Function, FunctionalAdministrator);

    /// <summary>Whether <paramref name="function"/> is one the hub knows.</summary>
    public static bool IsKnownFunction(string? function) => function is PrivacyOfficer or PartnerPrivacyOfficer or FunctionalAdministrator;
}
