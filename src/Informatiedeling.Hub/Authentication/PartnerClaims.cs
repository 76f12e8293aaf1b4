using System.Security.Claims;

namespace Informatiedeling.Hub.Authentication;

/// <summary>The hub's own claims, set once a token from a trusted issuer was validated.</summary>
public static class PartnerClaims
{
    public const string Partner = "infodeel:partner";
    public const string User = "infodeel:user";
    public const string Issuer = "infodeel:issuer";

    public static string? PartnerOf(this ClaimsPrincipal principal) => principal.FindFirst(Partner)?.Value;

    public static string? UserOf(this ClaimsPrincipal principal) => principal.FindFirst(User)?.Value;
}
