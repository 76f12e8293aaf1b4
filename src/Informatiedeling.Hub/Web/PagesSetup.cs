using Informatiedeling.Hub.Authentication;

namespace Informatiedeling.Hub.Web;

/// <summary>
/// The pages: Razor Pages, rendered on the server, in Dutch. Every page but sign-in requires a session (the
/// <see cref="AuthenticationSetup.PagesPolicy"/>: the cookie, never a bearer token); every form carries an antiforgery
/// token, which Razor Pages check on every post. Pages call the same brokers as the API and show their typed answers.
/// </summary>
internal static class PagesSetup
{
    public static IServiceCollection AddHubPages(this IServiceCollection services, IHostEnvironment environment)
    {
        var secure = AuthenticationSetup.SecureCookies(environment);
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/", AuthenticationSetup.PagesPolicy);
            o.Conventions.AllowAnonymousToFolder("/Aanmelden");
            o.Conventions.AllowAnonymousToPage("/Fout");
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = AuthenticationSetup.CookieName(secure, "informatiedeling-af");
            o.Cookie.SecurePolicy = secure;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.FormFieldName = "__af";
        });
        return services;
    }
}
