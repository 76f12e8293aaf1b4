namespace Informatiedeling.Hub.Tests.Pages;

/// <summary>
/// Defects of the hub that these browser tests found, as the reason of the tests they stop. Each test passes once its
/// defect is fixed: then remove its Skip (and the defect from here).
/// </summary>
internal static class KnownDefects
{
    public const string ProviderSignIn =
        "Sign-in with a provider always fails ('The token is not a JSON web token.'): BrowserSignIn's OnTokenValidated hands "
        + "Admission.TryAdmit the OpenID Connect handler's context.SecurityToken, a JwtSecurityToken, and Admission admits only a "
        + "JsonWebToken. Fix: admit new JsonWebToken(context.SecurityToken.RawData).";

    public const string ProviderSignOut =
        ProviderSignIn + " Then, sign-out leaves the person on the provider's page: the end-session request carries neither "
        + "id_token_hint nor client_id, so the provider ignores post_logout_redirect_uri. Fix: set ProtocolMessage.ClientId "
        + "in OnRedirectToIdentityProviderForSignOut.";
}
