using Informatiedeling.Hub.Authentication;

namespace Informatiedeling.Hub.Web;

/// <summary>
/// The headers every answer carries: a strict Content-Security-Policy (scripts and styles only from the hub itself,
/// nothing inline, no frames; forms post only to the hub and, for sign-out, to the trusted providers), no MIME
/// sniffing, no referrer, no framing, no caching of pages that show case data.
/// </summary>
internal static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, IEnumerable<string> providerOrigins)
    {
        var formAction = string.Join(' ', new[] { "'self'" }.Concat(providerOrigins.Distinct(StringComparer.Ordinal)));
        var policy = $"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
            $"form-action {formAction}; frame-ancestors 'none'; base-uri 'none'";
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = policy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
                if (!context.Request.Path.StartsWithSegments("/css", StringComparison.Ordinal))
                {
                    headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
    }

    /// <summary>The origins of the providers people sign in with, which sign-out redirects to.</summary>
    public static IEnumerable<string> ProviderOrigins(HubAuthenticationOptions settings) =>
        settings.Issuers.Where(i => i.Browser is not null)
            .Select(i => Uri.TryCreate(i.Issuer, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : null)
            .OfType<string>();
}
