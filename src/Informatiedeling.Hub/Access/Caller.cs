using System.Security.Claims;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Policy;

namespace Informatiedeling.Hub.Access;

/// <summary>
/// Who is asking, as admission established it (<see cref="AdmittedCaller"/>): the partner, the user and whether the
/// issuer asserted a privacy officer's function — the hub's (<see cref="PrivacyOfficer"/>, every partner's accesses) or
/// the partner's own (<see cref="PartnerPrivacyOfficer"/>, its own employees' accesses only). Read from the principal
/// in this one place, for API and pages alike.
/// </summary>
internal sealed record Caller(string Partner, PartnerId PartnerId, string? User, bool PrivacyOfficer, bool PartnerPrivacyOfficer = false, bool FunctionalAdministrator = false)
{
    /// <summary>The caller's function as the pages name it.</summary>
    public string FunctionName => PrivacyOfficer ? "Functionaris gegevensbescherming"
        : PartnerPrivacyOfficer ? "Functionaris gegevensbescherming van de eigen organisatie"
        : FunctionalAdministrator ? "Functioneel beheerder"
        : "Medewerker";

    /// <summary>The partner as the access log records it: only a well-formed identifier.</summary>
    public PartnerId? ActorPartner => PartnerId.Value is null ? null : PartnerId;

    public static Caller Of(ClaimsPrincipal principal)
    {
        var partner = principal.PartnerOf() ?? "";
        PartnerId.TryParse(partner, out var id);
        return new Caller(partner, id, principal.UserOf(), principal.IsPrivacyOfficer(), principal.IsPartnerPrivacyOfficer(), principal.IsFunctionalAdministrator());
    }
}
