using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Informatiedeling.Storage.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Informatiedeling.Hub.Authentication;

/// <summary>
/// What a page session knows of the provider session it came from, next to what admission produced. In the hub's
/// own namespace, which no token may carry (<see cref="Admission.HubNamespace"/>), and read by nothing that decides
/// what a caller may do: only by <see cref="SessionEnding"/>.
/// </summary>
internal static class SessionClaims
{
    /// <summary>The provider's session id (<c>sid</c> of the id token), when it gave one.</summary>
    public const string ProviderSession = "infodeel:session-sid";

    /// <summary>The provider's subject (<c>sub</c> of the id token).</summary>
    public const string ProviderSubject = "infodeel:session-subject";

    /// <summary>When the session began, Unix milliseconds: the absolute lifetime and a subject's logout count from it.</summary>
    public const string Started = "infodeel:session-started";

    /// <summary>The admitted caller's principal, with when the session began and, for a provider's, the provider session.</summary>
    public static ClaimsPrincipal Add(ClaimsPrincipal principal, DateTimeOffset started, string? sid = null, string? subject = null)
    {
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(Started, started.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        if (!string.IsNullOrEmpty(subject))
        {
            identity.AddClaim(new Claim(ProviderSubject, subject));
            if (!string.IsNullOrEmpty(sid))
            {
                identity.AddClaim(new Claim(ProviderSession, sid));
            }
        }

        return principal;
    }
}

/// <summary>
/// Ends page sessions: after <see cref="AuthenticationSetup.SessionLifetime"/> however much they were used, and at
/// once when the provider they came from said by back-channel logout that their session there ended. Checked on every
/// request that reads the session, against the shared list of ended sessions (one indexed query, no cache: a cache
/// would let a session outlive its logout on every instance for as long as it keeps an answer).
/// </summary>
internal static partial class SessionEnding
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        if (principal?.FindFirst(SessionClaims.Started)?.Value is not { } value
            || !long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var milliseconds)
            || time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) > AuthenticationSetup.SessionLifetime)
        {
            await EndAsync(context);
            return;
        }

        // Development sign-in has no provider session to end.
        if (principal.FindFirst(SessionClaims.ProviderSubject)?.Value is not { } subject || principal.FindFirst(PartnerClaims.Issuer)?.Value is not { } issuer)
        {
            return;
        }

        var store = context.HttpContext.RequestServices.GetRequiredService<EndedSessionStore>();
        if (await store.HasEndedAsync(issuer, principal.FindFirst(SessionClaims.ProviderSession)?.Value, subject,
                DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), context.HttpContext.RequestAborted))
        {
            await EndAsync(context);
        }
    }

    private static async Task EndAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(AuthenticationSetup.CookieScheme);
    }
}

/// <summary>The answer to a refused logout request, as OpenID Connect Back-Channel Logout 1.0 (2.8) and RFC 6749 name it.</summary>
public sealed record BackChannelLogoutError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription);

/// <summary>
/// OpenID Connect Back-Channel Logout 1.0 for the pages, which ASP.NET Core's handler does not do: the provider posts
/// a logout token to <c>/afmelden/{name}/achterkanaal</c> (the front-channel path <c>/afmelden/{name}/kanaal</c> is the
/// handler's own, which would take the request first), server to server, without a cookie and so without antiforgery.
/// The token is validated by the library against that scheme's own published keys, issuer and client id, then held to
/// the specification's rules; only then is the session recorded as ended, for every hub instance.
/// </summary>
internal static partial class BackChannelLogout
{
    public const string Event = "http://schemas.openid.net/event/backchannel-logout";

    /// <summary>How old a logout token may be (by its <c>iat</c>): a provider sends it as the session ends.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(5);

    public static void MapBackChannelLogout(this WebApplication app)
    {
        if (app.Services.GetRequiredService<SignInOptions>().Organisations.Count == 0)
        {
            return;
        }

        app.MapPost("/afmelden/{name}/achterkanaal", ReceiveAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .ExcludeFromDescription();
    }

    private static async Task<Results<Ok, BadRequest<BackChannelLogoutError>>> ReceiveAsync(
        string name, HttpContext http, SignInOptions options, IOptionsMonitor<OpenIdConnectOptions> schemes, EndedSessionStore store,
        TimeProvider time, ILoggerFactory loggers)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        var logger = loggers.CreateLogger(typeof(BackChannelLogout).FullName!);
        var organisation = options.Organisations.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.Ordinal));
        if (organisation is null)
        {
            return Refuse("invalid_request", "No provider of that name.");
        }

        string? token = null;
        try
        {
            if (http.Request.HasFormContentType && (await http.Request.ReadFormAsync(http.RequestAborted)).TryGetValue("logout_token", out var values) && values.Count == 1)
            {
                token = values[0];
            }
        }
        catch (InvalidDataException)
        {
        }
        catch (IOException)
        {
        }

        if (string.IsNullOrEmpty(token))
        {
            return Refuse("invalid_request", "The request carries no single logout_token form field.");
        }

        var oidc = schemes.Get(organisation.Scheme);
        Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await oidc.ConfigurationManager!.GetConfigurationAsync(http.RequestAborted);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException or TaskCanceledException)
        {
            ProviderUnavailable(logger, organisation.Name, e.GetType().Name);
            return Refuse("temporarily_unavailable", "The provider's signing keys could not be read.");
        }

        var now = time.GetUtcNow();
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = organisation.Issuer,
            ValidateIssuer = true,
            ValidAudience = oidc.ClientId,
            ValidateAudience = true,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            ValidAlgorithms = AuthenticationSetup.SignatureAlgorithms,

            // A logout token may have no exp (2.4); when it has one it holds, and iat is checked below.
            ValidateLifetime = true,
            RequireExpirationTime = false,
            ClockSkew = oidc.TokenValidationParameters.ClockSkew,
        };
        var handler = new JsonWebTokenHandler { MapInboundClaims = false };
        var result = await handler.ValidateTokenAsync(token, parameters);

        // Signed with a key the hub has not fetched yet (the provider rotated): wait, within bounds, for the provider's
        // keys anew, as the bearer path does, and validate once more with them.
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException && organisation.Keys is { } refresh
            && KeyIdOf(token) is { Length: > 0 } kid && await refresh.KeysWithAsync(kid, oidc.ConfigurationManager!, http.RequestAborted) is { } keys)
        {
            parameters.IssuerSigningKeys = keys;
            result = await handler.ValidateTokenAsync(token, parameters);
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            Refused(logger, organisation.Name, result.Exception?.GetType().Name ?? "invalid");
            return Refuse("invalid_request", "The logout token is not valid.");
        }

        if (Check(jwt, now, parameters.ClockSkew, out var sid, out var subject) is { } problem)
        {
            Refused(logger, organisation.Name, problem);
            return Refuse("invalid_request", problem);
        }

        try
        {
            await store.RecordAsync(organisation.Issuer, sid, subject, now, AuthenticationSetup.SessionLifetime + TimeSpan.FromHours(1), http.RequestAborted);
        }
        catch (Exception e) when (e is Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException or InvalidOperationException or OperationCanceledException)
        {
            NotRecorded(logger, organisation.Name, e.GetType().Name);
            return Refuse("temporarily_unavailable", "The logout could not be recorded.");
        }

        Recorded(logger, organisation.Name, sid is not null, subject is not null);
        return TypedResults.Ok();
    }

    /// <summary>
    /// The rules of 2.6 beyond signature, issuer and audience: an <c>iat</c> not in the future nor older than
    /// <see cref="Freshness"/>; the back-channel logout event; a <c>sid</c> or <c>sub</c> (each a string); a
    /// <c>jti</c>; no <c>nonce</c>, which sets a logout token apart from an id token.
    /// </summary>
    internal static string? Check(JsonWebToken jwt, DateTimeOffset now, TimeSpan skew, out string? sid, out string? subject)
    {
        sid = null;
        subject = null;
        bool events = false, jti = false;
        long? issuedAt = null;
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        foreach (var member in payload.RootElement.EnumerateObject())
        {
            switch (member.Name)
            {
                case "nonce":
                    return "The logout token carries a nonce.";
                case "events":
                    events = member.Value.ValueKind == JsonValueKind.Object && member.Value.TryGetProperty(Event, out var logout) && logout.ValueKind == JsonValueKind.Object;
                    break;
                case "sid" when member.Value.ValueKind == JsonValueKind.String:
                    sid = member.Value.GetString();
                    break;
                case "sub" when member.Value.ValueKind == JsonValueKind.String:
                    subject = member.Value.GetString();
                    break;
                case "sid" or "sub":
                    return "The logout token's sid or sub is not a string.";
                case "jti":
                    jti = member.Value.ValueKind == JsonValueKind.String && member.Value.GetString()!.Length > 0;
                    break;
                case "iat" when member.Value.TryGetInt64(out var at):
                    issuedAt = at;
                    break;
            }
        }

        if (!events)
        {
            return "The logout token does not carry the back-channel logout event.";
        }

        if (string.IsNullOrEmpty(sid) && string.IsNullOrEmpty(subject))
        {
            return "The logout token names neither a session (sid) nor a subject (sub).";
        }

        if (!jti)
        {
            return "The logout token has no jti.";
        }

        if (issuedAt is not { } iat)
        {
            return "The logout token has no iat.";
        }

        var issued = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(iat, 0, 253402300799));
        if (issued > now + skew || issued < now - Freshness - skew)
        {
            return "The logout token was not issued just now.";
        }

        sid = string.IsNullOrEmpty(sid) ? null : sid;
        subject = string.IsNullOrEmpty(subject) ? null : subject;
        return null;
    }

    private static string? KeyIdOf(string token)
    {
        try
        {
            return new JsonWebToken(token).Kid;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static BadRequest<BackChannelLogoutError> Refuse(string error, string description) => TypedResults.BadRequest(new BackChannelLogoutError(error, description));

    [LoggerMessage(4101, LogLevel.Information, "Back-channel logout from provider {Provider} recorded (by session id: {BySession}, by subject: {BySubject})")]
    private static partial void Recorded(ILogger logger, string provider, bool bySession, bool bySubject);

    [LoggerMessage(4102, LogLevel.Warning, "Back-channel logout from provider {Provider} refused: {Problem}")]
    private static partial void Refused(ILogger logger, string provider, string problem);

    [LoggerMessage(4103, LogLevel.Error, "Back-channel logout from provider {Provider} not recorded: the store failed ({Failure})")]
    private static partial void NotRecorded(ILogger logger, string provider, string failure);

    [LoggerMessage(4104, LogLevel.Warning, "Back-channel logout from provider {Provider} refused: its configuration could not be read ({Failure})")]
    private static partial void ProviderUnavailable(ILogger logger, string provider, string failure);
}
