using System.Text.Encodings.Web;
using Informatiedeling.Hub.Hosting;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Informatiedeling.Hub.Authentication;

/// <summary>
/// The hub as a resource server of its partners' OpenID Connect providers: one JWT bearer scheme per trusted
/// issuer, chosen by the token's <c>iss</c>, each validating strictly — asymmetric algorithms only, issuer,
/// audience, lifetime with small skew, the key id against the issuer's published keys, <c>typ: at+jwt</c> — and
/// admitting a token only when its partner claim is one that issuer may assert.
/// </summary>
internal static partial class AuthenticationSetup
{
    public const string Scheme = "partner-bearer";
    private const string Rejecting = "no-trusted-issuer";
    private const string DevelopmentScheme = "issuer:development";

    /// <summary>The development issuer's bearer scheme, whose validation development sign-in reuses.</summary>
    public const string DevelopmentSchemeName = DevelopmentScheme;

    /// <summary>Signature algorithms accepted: RSA and ECDSA only. Never <c>none</c>, never HMAC (a shared key is no proof of origin).</summary>
    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static void AddHubAuthentication(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(HubAuthenticationOptions.Section).Get<HubAuthenticationOptions>() ?? new();
        Validate(settings, builder.Environment);

        var schemes = new Dictionary<string, string>(StringComparer.Ordinal);
        var authentication = builder.Services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Partner bearer tokens", o => o.ForwardDefaultSelector = context => SchemeFor(context, schemes))
            .AddScheme<AuthenticationSchemeOptions, RejectingHandler>(Rejecting, null);

        foreach (var issuer in settings.Issuers)
        {
            var name = $"issuer:{issuer.Name}";
            schemes[issuer.Issuer] = name;
            var keys = new SigningKeyRefresh(issuer.KeyRefreshInterval, settings.KeyRotationWait);
            authentication.AddJwtBearer(name, jwt =>
            {
                jwt.Authority = issuer.Issuer;
                jwt.Audience = issuer.Audience;
                jwt.RequireHttpsMetadata = issuer.RequireHttpsMetadata;
                jwt.MapInboundClaims = false;
                jwt.RefreshOnIssuerKeyNotFound = true;
                jwt.RefreshInterval = issuer.KeyRefreshInterval;
                jwt.TokenValidationParameters = Strict(issuer.Issuer, issuer.Audience, settings.ClockSkew);
                jwt.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context => Admit(context, issuer.Issuer, Claims(issuer), issuer.Partners),
                    OnAuthenticationFailed = context => RetryAfterKeyRotationAsync(context, issuer, keys),
                };
            });
        }

        if (settings.DevelopmentIssuer.Enabled)
        {
            builder.Services.AddSingleton<DevelopmentIssuer>();
            builder.Services.AddSingleton<DevelopmentSignIn>();
            schemes[DevelopmentIssuer.IssuerName] = DevelopmentScheme;
            authentication.AddJwtBearer(DevelopmentScheme, jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = Strict(DevelopmentIssuer.IssuerName, DevelopmentIssuer.Audience, settings.ClockSkew);
                jwt.Events = new JwtBearerEvents { OnTokenValidated = context => Admit(context, DevelopmentIssuer.IssuerName, DevelopmentIssuer.Claims, null) };
            });
            builder.Services.AddOptions<JwtBearerOptions>(DevelopmentScheme)
                .Configure<DevelopmentIssuer>((jwt, issuer) => jwt.TokenValidationParameters.IssuerSigningKey = issuer.SigningKey);
        }

        AddBrowserSignIn(builder, authentication, settings);

        // Routes require an admitted caller; what the caller may do is the gate's to decide (Access/Gate), never a policy
        // here. The API takes bearer tokens only, the pages a session cookie only.
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PagesPolicy, policy => policy.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser());
    }

    private static IssuerClaims Claims(TrustedIssuer issuer) =>
        new(issuer.UserClaim, issuer.PartnerClaim, string.IsNullOrWhiteSpace(issuer.FunctionClaim) ? null : issuer.FunctionClaim,
            issuer.PrivacyOfficerFunction, issuer.PartnerPrivacyOfficerFunction, issuer.FunctionalAdministratorFunction);

    private static TokenValidationParameters Strict(string issuer, string audience, TimeSpan skew) => new()
    {
        ValidIssuer = issuer,
        ValidateIssuer = true,
        ValidAudience = audience,
        ValidateAudience = true,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = skew,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        TryAllIssuerSigningKeys = false,
        ValidAlgorithms = AsymmetricAlgorithms,
        ValidTypes = ["at+jwt"],
        NameClaimType = PartnerClaims.User,
    };

    /// <summary>
    /// Admits a validated token only with a partner claim this issuer may assert and the convenant knows, and puts
    /// in place of the token's principal one that holds only what admission derived.
    /// </summary>
    private static Task Admit(TokenValidatedContext context, string issuer, IssuerClaims claims, IReadOnlyCollection<string>? allowed)
    {
        var vocabulary = context.HttpContext.RequestServices.GetRequiredService<PolicyHolder>().Current.Vocabulary;
        if (Admission.TryAdmit(context.SecurityToken, issuer, claims, allowed, vocabulary, out var caller, out var problem))
        {
            context.Principal = caller.ToPrincipal();
        }
        else
        {
            context.Fail(problem);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A token signed with a key the hub has not seen yet (the provider rotated): wait, within bounds, for the
    /// provider's keys to be fetched anew and validate once more with them, so that callers see no failure across a
    /// rotation. Everything else about the token is checked exactly as before.
    /// </summary>
    private static async Task RetryAfterKeyRotationAsync(AuthenticationFailedContext context, TrustedIssuer issuer, SigningKeyRefresh keys)
    {
        if (context.Options.ConfigurationManager is not { } manager)
        {
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        string kid;
        try
        {
            kid = new JsonWebToken(header["Bearer ".Length..].Trim()).Kid;
        }
        catch (ArgumentException)
        {
            return;
        }

        // A key id the hub knows means a bad signature, not a rotation: KeysWithAsync answers at once then.
        if (string.IsNullOrEmpty(kid) || await keys.KeysWithAsync(kid, manager, context.HttpContext.RequestAborted) is not { } signingKeys)
        {
            return;
        }

        var parameters = context.Options.TokenValidationParameters.Clone();
        parameters.IssuerSigningKeys = signingKeys;
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(header["Bearer ".Length..].Trim(), parameters);
        if (!result.IsValid)
        {
            return;
        }

        var vocabulary = context.HttpContext.RequestServices.GetRequiredService<PolicyHolder>().Current.Vocabulary;
        if (Admission.TryAdmit(result.SecurityToken, issuer.Issuer, Claims(issuer), issuer.Partners, vocabulary, out var caller, out _))
        {
            context.Principal = caller.ToPrincipal();
            context.Success();
        }
    }

    /// <summary>Picks the scheme of the token's issuer, read before validation only to route it; unknown issuers are rejected.</summary>
    private static string SchemeFor(HttpContext context, Dictionary<string, string> schemes)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Rejecting;
        }

        try
        {
            var issuer = new JsonWebToken(header["Bearer ".Length..].Trim()).Issuer;
            return schemes.TryGetValue(issuer ?? "", out var scheme) ? scheme : Rejecting;
        }
        catch (ArgumentException)
        {
            return Rejecting;
        }
    }

    private static void Validate(HubAuthenticationOptions settings, IWebHostEnvironment environment)
    {
        if (settings.DevelopmentIssuer.Enabled && !environment.IsDevelopment())
        {
            throw new HubStartupException(
                $"Authentication:DevelopmentIssuer:Enabled is true in the '{environment.EnvironmentName}' environment. The development issuer " +
                "mints tokens for any partner and runs only in Development; turn it off and configure Authentication:Issuers.");
        }

        foreach (var issuer in settings.Issuers)
        {
            var problem = issuer switch
            {
                { Name.Length: 0 } => "has no Name",
                _ when !Uri.TryCreate(issuer.Issuer, UriKind.Absolute, out _) => "has no absolute Issuer URL",
                { Audience.Length: 0 } => "has no Audience",
                { Partners.Count: 0 } => "lists no Partners it may assert",
                { RequireHttpsMetadata: true } when !issuer.Issuer.StartsWith("https://", StringComparison.Ordinal) => "is not https (set RequireHttpsMetadata false only for a loopback test provider)",
                _ when Blank(issuer.FunctionClaim) || Blank(issuer.PrivacyOfficerFunction) || Blank(issuer.PartnerPrivacyOfficerFunction) || Blank(issuer.FunctionalAdministratorFunction) =>
                    "has a FunctionClaim, PrivacyOfficerFunction, PartnerPrivacyOfficerFunction or FunctionalAdministratorFunction of white space only (leave it out or empty to switch it off)",
                { FunctionClaim: { Length: > 0 } claim } when claim == issuer.UserClaim || claim == issuer.PartnerClaim || claim.StartsWith(Admission.HubNamespace, StringComparison.OrdinalIgnoreCase) =>
                    "names as FunctionClaim its user or partner claim, or a claim of the hub's own namespace",
                { PrivacyOfficerFunction: { Length: > 0 } hub } when hub == issuer.PartnerPrivacyOfficerFunction =>
                    "gives the hub's privacy officer and a partner's own privacy officer the same function value",
                { FunctionalAdministratorFunction: { Length: > 0 } admin } when admin == issuer.PrivacyOfficerFunction || admin == issuer.PartnerPrivacyOfficerFunction =>
                    "gives the functional administrator the same function value as a privacy officer: the one who proposes a rule change cannot be the one who approves it",
                _ => null,
            };
            if (problem is not null)
            {
                throw new HubStartupException($"Authentication:Issuers entry '{issuer.Name}' {problem}.");
            }
        }

        foreach (var duplicate in settings.Issuers.GroupBy(i => i.Issuer, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            throw new HubStartupException($"Authentication:Issuers lists issuer '{duplicate.Key}' twice.");
        }
    }

    /// <summary>A setting given but holding only white space: a typo that would otherwise switch a function on or off unnoticed.</summary>
    private static bool Blank(string? value) => value is { Length: > 0 } && string.IsNullOrWhiteSpace(value);

    /// <summary>Answers every request it is asked to authenticate with "no result": a token from no trusted issuer is anonymous.</summary>
    private sealed class RejectingHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());

        protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Response.Headers.WWWAuthenticate = "Bearer";
            return Task.CompletedTask;
        }
    }

    /// <summary>Which claims of an issuer's tokens name the user, the partner and (when it may assert one) the function.</summary>
    internal sealed record IssuerClaims(string User, string Partner, string? Function, string? PrivacyOfficer, string? PartnerPrivacyOfficer, string? FunctionalAdministrator = null);
}
