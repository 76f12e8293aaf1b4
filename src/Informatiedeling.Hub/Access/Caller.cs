using System.Security.Claims;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Policy;

namespace Informatiedeling.Hub.Access;

/// <summary>
/// Who is asking, as admission established it (<see cref="AdmittedCaller"/>): the partner, the user and whether the
/// issuer asserted the privacy officer's function. Read from the principal in this one place, for API and pages alike.
/// </summary>
internal sealed record Caller(string Partner, PartnerId PartnerId, string? User, bool PrivacyOfficer)
{
    /// <summary>The partner as the access log records it: only a well-formed identifier.</summary>
    public PartnerId? ActorPartner => PartnerId.Value is null ? null : PartnerId;

    public static Caller Of(ClaimsPrincipal principal)
    {
        var partner = principal.PartnerOf() ?? "";
        PartnerId.TryParse(partner, out var id);
        return new Caller(partner, id, principal.UserOf(), principal.IsPrivacyOfficer());
    }
}
