using System.ComponentModel.DataAnnotations;
using Informatiedeling.Policy;
using Informatiedeling.Hub.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Informatiedeling.Hub.Authentication;

/// <summary><c>GET /me</c>: who the hub takes the caller to be. <c>POST /dev/token</c>: tokens from the development issuer (Development only).</summary>
internal static class IdentityEndpoints
{
    /// <summary>A development token asked for with an unreadable body is recorded under this operation.</summary>
    private static readonly AccessRoute DevelopmentTokenRoute = new("identity.dev-token");

    public static void MapIdentityEndpoints(this WebApplication app)
    {
        app.MapGet("/me", (HttpContext context) => TypedResults.Ok(new WhoAmI(
                context.User.PartnerOf()!, context.User.UserOf()!, context.User.FindFirst(PartnerClaims.Issuer)!.Value, context.User.FunctionOf())))
            .RequireAuthorization()
            .RequireRateLimiting(Hosting.RateLimiting.PerUser)
            .WithName("WhoAmI")
            .WithSummary("The partner, user and (for the privacy officer) function the hub takes the caller to be.")
            .WithTags("Identity");

        if (app.Services.GetService<DevelopmentIssuer>() is not null)
        {
            app.MapPost("/dev/token", async Task<Results<Ok<DevelopmentToken>, BadRequestProblem>> (
                    DevelopmentTokenRequest request, DevelopmentIssuer issuer, PolicyHolder policy, HttpContext http, Hosting.RequestBodyAudit audit) =>
                {
                    if (!policy.Current.Vocabulary.Partners.TryGetIndex(request.Partner!, out _))
                    {
                        await audit.RecordAsync(http, http.GetEndpoint(), http.Request.RouteValues, http.RequestAborted);
                        return Problems.BadRequest("Unknown partner", $"'{Problems.Printable(request.Partner!)}' is not a party to the convenant.");
                    }

                    if (request.Function is not null && !PartnerClaims.IsKnownFunction(request.Function))
                    {
                        await audit.RecordAsync(http, http.GetEndpoint(), http.Request.RouteValues, http.RequestAborted);
                        return Problems.BadRequest(
                            "Unknown function", $"The hub knows the functions '{PartnerClaims.PrivacyOfficer}', '{PartnerClaims.PartnerPrivacyOfficer}' and '{PartnerClaims.FunctionalAdministrator}' only.");
                    }

                    var lifetime = TimeSpan.FromHours(1);
                    return TypedResults.Ok(new DevelopmentToken(issuer.Mint(request.Partner!, request.User!, lifetime, request.Function), "Bearer", (int)lifetime.TotalSeconds));
                })
                .WithRoute(DevelopmentTokenRoute, "DevelopmentToken")
                .WithSummary("Development only: an access token for a reference partner, without an identity provider.")
                .WithTags("Identity");
        }
    }
}

public sealed record WhoAmI(string Partner, string User, string Issuer, string? Function = null);

/// <summary>A development token's partner and user, and optionally a function (<c>privacy-officer</c>).</summary>
public sealed record DevelopmentTokenRequest([property: Required] string? Partner, [property: Required] string? User, string? Function = null);

public sealed record DevelopmentToken(string AccessToken, string TokenType, int ExpiresIn);
