using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Informatiedeling.Policy;

namespace Informatiedeling.Hub.Authentication;

/// <summary>
/// One organisation a person can sign in with on the sign-in page; <see cref="Keys"/> waits for its provider's new
/// signing keys when a logout token is signed with one the hub has not fetched yet.
/// </summary>
internal sealed record SignInOption(string Name, string DisplayName, string Scheme, string Issuer, SigningKeyRefresh? Keys = null);

/// <summary>The organisations offered on the sign-in page, in configuration order; and whether development sign-in is on.</summary>
internal sealed record SignInOptions(IReadOnlyList<SignInOption> Organisations, bool Development);

/// <summary>
/// People signing in with a browser. Each trusted issuer with a <see cref="BrowserClient"/> gets an OpenID Connect
/// scheme: authorization code with PKCE (S256), pushed authorization requests whenever the provider offers them,
/// and the id token admitted by exactly the rules of bearer tokens (<see cref="Admission"/>): the partner that issuer
/// may assert, a function only where the issuer is configured for one. The session is a small cookie (see
/// <see cref="CookieScheme"/>) holding only what admission produced; no provider token is kept.
/// </summary>
internal static partial class AuthenticationSetup
{
    /// <summary>The pages' session: an encrypted cookie, HttpOnly, Secure, SameSite=Lax, sliding.</summary>
    public const string CookieScheme = "pages";

    /// <summary>The authorization policy of the pages: a session cookie, never a bearer token.</summary>
    public const string PagesPolicy = "pages";

    public const string SignInPath = "/aanmelden";

    /// <summary>How long a session lasts without use; each use within it extends it (sliding).</summary>
    public static readonly TimeSpan SessionIdle = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a session lasts however much it is used: sliding alone would let a session in daily use live for ever,
    /// and the list of ended sessions needs to keep an entry only as long as a session can last.
    /// </summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    /// <summary>The signature algorithms the hub accepts of providers, for logout tokens as for every other token.</summary>
    internal static IEnumerable<string> SignatureAlgorithms => AsymmetricAlgorithms;

    /// <summary>
    /// Cookies are Secure and carry the <c>__Host-</c> prefix (only this host, path /, never over plain HTTP) in every
    /// environment but Development, where the hub runs on http://127.0.0.1 without a certificate.
    /// </summary>
    public static CookieSecurePolicy SecureCookies(IHostEnvironment environment) =>
        environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;

    public static string CookieName(CookieSecurePolicy secure, string name) => secure == CookieSecurePolicy.Always ? "__Host-" + name : name;

    private static void AddBrowserSignIn(WebApplicationBuilder builder, AuthenticationBuilder authentication, HubAuthenticationOptions settings)
    {
        var secure = SecureCookies(builder.Environment);
        authentication.AddCookie(CookieScheme, cookie =>
        {
            cookie.Cookie.Name = CookieName(secure, "informatiedeling");
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SecurePolicy = secure;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.Path = "/";
            cookie.ExpireTimeSpan = SessionIdle;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = SignInPath;
            cookie.AccessDeniedPath = SignInPath;
            cookie.ReturnUrlParameter = "terug";
            cookie.Events = new CookieAuthenticationEvents { OnValidatePrincipal = SessionEnding.ValidateAsync };
        });

        var organisations = new List<SignInOption>();
        foreach (var issuer in settings.Issuers.Where(i => i.Browser is not null))
        {
            var scheme = $"browser:{issuer.Name}";
            var client = issuer.Browser!;
            organisations.Add(new SignInOption(issuer.Name, client.DisplayName, scheme, issuer.Issuer, new SigningKeyRefresh(issuer.KeyRefreshInterval, settings.KeyRotationWait)));
            authentication.AddOpenIdConnect(scheme, client.DisplayName, oidc =>
            {
                oidc.Authority = issuer.Issuer;
                oidc.RequireHttpsMetadata = issuer.RequireHttpsMetadata;
                oidc.RefreshInterval = issuer.KeyRefreshInterval;
                oidc.ClientId = client.ClientId;
                oidc.ClientSecret = string.IsNullOrEmpty(client.ClientSecret) ? null : client.ClientSecret;
                oidc.ResponseType = OpenIdConnectResponseType.Code;
                oidc.UsePkce = true;
                oidc.PushedAuthorizationBehavior = PushedAuthorizationBehavior.UseIfAvailable;
                oidc.SignInScheme = CookieScheme;
                oidc.CallbackPath = $"/aanmelden/{issuer.Name}/terug";
                oidc.SignedOutCallbackPath = $"/afmelden/{issuer.Name}/terug";
                oidc.RemoteSignOutPath = $"/afmelden/{issuer.Name}/kanaal";
                oidc.SignedOutRedirectUri = "/";
                oidc.MapInboundClaims = false;
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.SaveTokens = false;
                oidc.Scope.Clear();
                oidc.Scope.Add("openid");
                oidc.TokenValidationParameters.ValidAlgorithms = AsymmetricAlgorithms;
                oidc.TokenValidationParameters.ClockSkew = settings.ClockSkew;
                oidc.CorrelationCookie.SecurePolicy = secure;
                oidc.NonceCookie.SecurePolicy = secure;
                oidc.Events = new OpenIdConnectEvents
                {
                    OnTokenValidated = context =>
                    {
                        var vocabulary = context.HttpContext.RequestServices.GetRequiredService<PolicyHolder>().Current.Vocabulary;
                        // The handler hands over the validated id token as a JwtSecurityToken; admission reads the very same
                        // token, as the bearer path does, from its compact form.
                        var idToken = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(context.SecurityToken.RawData);
                        if (Admission.TryAdmit(idToken, issuer.Issuer, Claims(issuer), issuer.Partners, vocabulary, out var caller, out var problem))
                        {
                            // The provider's session (sid) and subject (sub), as it gave them, so that its back-channel
                            // logout can end this session (BackChannelLogout); they decide nothing else.
                            idToken.TryGetPayloadValue<string>("sid", out var sid);
                            var started = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
                            context.Principal = SessionClaims.Add(caller.ToPrincipal(), started, sid, idToken.Subject);
                        }
                        else
                        {
                            context.Fail(problem);
                        }

                        return Task.CompletedTask;
                    },
                    OnRedirectToIdentityProviderForSignOut = context =>
                    {
                        // No id token is kept (the session holds only what admission produced), so the provider learns
                        // whose sign-out this is, and that it may return to the hub, from the client id.
                        context.ProtocolMessage.ClientId = client.ClientId;
                        return Task.CompletedTask;
                    },
                    OnRemoteSignOut = context =>
                    {
                        // Front-channel logout is a GET any page can make a browser send; the handler would sign out a session
                        // without a sid on it. The hub ends sessions only by back-channel logout (BackChannelLogout), so this
                        // path ends nothing.
                        context.Response.StatusCode = StatusCodes.Status400BadRequest;
                        context.HandleResponse();
                        return Task.CompletedTask;
                    },
                    OnRemoteFailure = context =>
                    {
                        // A refused sign-in (a partner this provider may not assert, a cancelled login) ends on the sign-in
                        // page with a plain message, never an exception page; what went wrong is in the hub's log.
                        context.Response.Redirect($"{SignInPath}?fout=1");
                        context.HandleResponse();
                        return Task.CompletedTask;
                    },
                };
            });
        }

        builder.Services.AddSingleton(new SignInOptions(organisations, settings.DevelopmentIssuer.Enabled));
    }
}

/// <summary>
/// Development sign-in without any provider: the person picks partner, user and function; the development issuer
/// mints a token for them, which is validated and admitted exactly as a bearer token of that issuer would be, and its
/// admitted caller becomes the session. Only registered when the development issuer is (Development only).
/// </summary>
internal sealed class DevelopmentSignIn(
    DevelopmentIssuer issuer, Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerOptions> bearer, PolicyHolder policy, TimeProvider time)
{
    public async Task<bool> SignInAsync(HttpContext http, string partner, string user, string? function)
    {
        if (function is not null && !PartnerClaims.IsKnownFunction(function))
        {
            return false;
        }

        var token = issuer.Mint(partner, user, TimeSpan.FromMinutes(1), function);
        var parameters = bearer.Get(AuthenticationSetup.DevelopmentSchemeName).TokenValidationParameters;
        var result = await new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().ValidateTokenAsync(token, parameters);
        if (!result.IsValid
            || !Admission.TryAdmit(result.SecurityToken, DevelopmentIssuer.IssuerName, DevelopmentIssuer.Claims, null, policy.Current.Vocabulary, out var caller, out _))
        {
            return false;
        }

        await http.SignInAsync(AuthenticationSetup.CookieScheme, SessionClaims.Add(caller.ToPrincipal(), time.GetUtcNow()));
        return true;
    }
}
