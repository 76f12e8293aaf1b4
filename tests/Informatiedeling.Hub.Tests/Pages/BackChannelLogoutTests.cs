using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Informatiedeling.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Informatiedeling.Hub.Tests.Pages;

/// <summary>A hub as production runs it whose provider sends back-channel logout to it; two police officers.</summary>
public sealed class LogoutHubFixture : IAsyncLifetime
{
    public static readonly OidcTestPerson Officer = new("agent-jansen", "politie");

    public static readonly OidcTestPerson Colleague = new("agent-visser", "politie");

    public static readonly OidcTestPerson Bystander = new("agent-smit", "politie");

    public BrowserHub Hub { get; private set; } = null!;

    public async Task InitializeAsync() => Hub = await BrowserHub.StartAsync(new BrowserHubOptions { People = [Officer, Colleague, Bystander] });

    public async Task DisposeAsync() => await Hub.DisposeAsync();
}

/// <summary>
/// OpenID Connect back-channel logout: the person signs out at their provider, not at the hub, and the provider tells
/// the hub server to server; the hub's next page is the sign-in page. A logout token the provider did not issue for
/// the hub, or not by the rules, is refused with 400 and ends no session.
/// </summary>
public sealed class BackChannelLogoutTests(LogoutHubFixture fixture) : IClassFixture<LogoutHubFixture>
{
    private const string Session = "__Host-informatiedeling";

    private BrowserHub Hub => fixture.Hub;

    private string LogoutPath => $"/afmelden/{Hub.Options.ProviderName}/achterkanaal";

    [Fact]
    public void Signing_out_at_the_provider_ends_the_hub_session_and_the_next_page_is_the_sign_in_page()
    {
        using var other = Hub.SignInWithProvider(LogoutHubFixture.Bystander);
        other.WaitForPath("/");
        using var browser = Hub.SignInWithProvider(LogoutHubFixture.Officer);
        browser.WaitForPath("/");
        Assert.Equal("agent-jansen / Politie / Medewerker", browser.Identity());

        // The officer ends the session at the provider itself (its own end-session page), not through the hub.
        browser.Open($"{Hub.Provider.Issuer}/session/end");
        browser.WaitUntil(() => browser.FindAll("#afmelden").Count == 1, "the provider's sign-out question");
        browser.ClickAndWait("#afmelden");
        browser.WaitUntil(() => browser.Driver.PageSource.Contains("U bent afgemeld.", StringComparison.Ordinal), "the provider's signed-out page");
        Assert.Contains("backchannel.success " + Hub.Client.ClientId, Hub.Provider.Output, StringComparison.Ordinal);

        browser.Open("/");
        browser.WaitForPath("/aanmelden?terug=%2F");
        Assert.Null(browser.Cookie(Session));
        Assert.Contains(Hub.Factory.Logs.Lines, l => l.Contains("Back-channel logout from provider politie recorded (by session id: True, by subject: True)", StringComparison.Ordinal));

        // The provider's session ids stay out of the log.
        Assert.DoesNotContain(Hub.Factory.Logs.Lines, l => l.Contains("agent-jansen", StringComparison.Ordinal));

        // Someone else's session, in another browser, goes on.
        other.Open("/");
        other.WaitForPath("/");
        Assert.Equal("agent-smit / Politie / Medewerker", other.Identity());
    }

    [Fact]
    public void The_front_channel_logout_path_a_page_could_make_the_browser_open_ends_no_session()
    {
        using var browser = Hub.SignInWithProvider(LogoutHubFixture.Bystander);
        browser.WaitForPath("/");
        var path = $"/afmelden/{Hub.Options.ProviderName}/kanaal";
        browser.Open(path);
        Assert.Equal(400, browser.Document(path).Status);
        browser.Open($"{path}?iss={Uri.EscapeDataString(Hub.Provider.Issuer)}&sid=x");
        Assert.Equal(400, browser.Document(path).Status);
        browser.Open("/");
        browser.WaitForPath("/");
        Assert.Equal("agent-smit / Politie / Medewerker", browser.Identity());
        Assert.NotNull(browser.Cookie(Session));
    }

    [Fact]
    public async Task Forged_logout_tokens_are_refused_with_400_and_end_no_session_and_the_provider_key_s_token_ends_the_subject_s()
    {
        using var browser = Hub.SignInWithProvider(LogoutHubFixture.Colleague);
        browser.WaitForPath("/");
        var subject = LogoutHubFixture.Colleague.Login;
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var provider = Credentials(Hub.Provider.Keys[0], Hub.Provider.CurrentKeyId);
        var forged = new Dictionary<string, string>
        {
            ["signed with another key under the provider's key id"] = Sign(Logout(subject), Credentials(stranger, Hub.Provider.CurrentKeyId)),
            ["signed with another key of its own id"] = Sign(Logout(subject), Credentials(stranger, "k-stranger")),
            ["for another audience"] = Sign(Logout(subject, audience: OidcProviderServer.Audience), provider),
            ["from another issuer"] = Sign(Logout(subject, issuer: "http://127.0.0.1:1"), provider),
            ["without the events claim"] = Sign(Logout(subject, events: false), provider),
            ["with another event"] = Sign(Logout(subject, eventName: "http://schemas.openid.net/event/other"), provider),
            ["with a nonce"] = Sign(Logout(subject, nonce: "n-1"), provider),
            ["without sid and sub"] = Sign(Logout(null), provider),
            ["without iat"] = Sign(Logout(subject, issuedAt: false), provider),
            ["issued an hour ago"] = Sign(Logout(subject, at: DateTime.UtcNow.AddHours(-1)), provider),
            ["expired"] = Sign(Logout(subject, expires: DateTime.UtcNow.AddMinutes(-2)), provider),
            ["unsigned (alg none)"] = new JsonWebTokenHandler().CreateToken(Logout(subject)),
            ["HMAC with the provider's public key"] = Sign(Logout(subject), new SigningCredentials(
                new SymmetricSecurityKey(Hub.Provider.Keys[0].ExportSubjectPublicKeyInfo()) { KeyId = Hub.Provider.CurrentKeyId }, SecurityAlgorithms.HmacSha256)),
            ["not a token"] = "not-a-token",
        };

        using var client = Hub.CreateClient();
        foreach (var (what, token) in forged)
        {
            using var response = await PostAsync(client, token);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {response.StatusCode}");
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()), what);
        }

        // Nor a request without a token, or with two.
        using (var empty = await client.PostAsync(new Uri(LogoutPath, UriKind.Relative), new FormUrlEncodedContent([])))
        {
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        }

        using (var two = await client.PostAsync(new Uri(LogoutPath, UriKind.Relative), new FormUrlEncodedContent(
                   [new("logout_token", forged["with a nonce"]), new("logout_token", forged["with a nonce"])])))
        {
            Assert.Equal(HttpStatusCode.BadRequest, two.StatusCode);
        }

        browser.Open("/");
        browser.WaitForPath("/");
        Assert.Equal("agent-visser / Politie / Medewerker", browser.Identity());

        // A logout token as the provider would make it, for this subject (no sid: all its sessions begun before now).
        using (var genuine = await PostAsync(client, Sign(Logout(subject), provider)))
        {
            Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
            Assert.Equal("no-store", genuine.Headers.CacheControl?.ToString());
        }

        browser.Open("/");
        browser.WaitForPath("/aanmelden?terug=%2F");

        // Signing in anew after the logout is a new session, which the old logout does not end. (The provider's own
        // session was not ended, so it asks for no login.)
        await Task.Delay(TimeSpan.FromMilliseconds(50));
        browser.Open("/aanmelden");
        browser.ClickAndWait($"a[data-organisatie='{Hub.Options.ProviderName}']");
        browser.WaitForPath("/");
        browser.Open("/");
        browser.WaitForPath("/");
        Assert.Equal("agent-visser / Politie / Medewerker", browser.Identity());
    }

    [Fact]
    public async Task A_logout_for_an_unknown_provider_name_or_in_JSON_is_refused_with_400()
    {
        using var client = Hub.CreateClient();
        var token = Sign(Logout("agent-jansen"), Credentials(Hub.Provider.Keys[0], Hub.Provider.CurrentKeyId));
        using var unknown = await client.PostAsync(new Uri("/afmelden/onbekend/achterkanaal", UriKind.Relative), new FormUrlEncodedContent([new("logout_token", token)]));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        using var json = await client.PostAsJsonAsync(new Uri(LogoutPath, UriKind.Relative), new { logout_token = token });
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
    }

    [Fact]
    public async Task A_logout_token_signed_with_a_key_the_provider_rotated_to_since_sign_in_ends_the_session()
    {
        var person = new OidcTestPerson("agent-de-wit", "politie");
        await using var hub = await BrowserHub.StartAsync(new BrowserHubOptions
        {
            People = [person],
            Settings = new Dictionary<string, string?> { ["Authentication:Issuers:0:KeyRefreshInterval"] = "00:00:01" },
        });
        using var browser = hub.SignInWithProvider(person);
        browser.WaitForPath("/");
        await hub.Provider.RotateKeysAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.2)); // the hub refreshes an issuer's keys at most once per KeyRefreshInterval (1 s here)

        using var client = hub.CreateClient();
        var descriptor = Logout(person.Login);
        descriptor.Issuer = hub.Provider.Issuer;
        descriptor.Audience = hub.Client.ClientId;
        using var response = await client.PostAsync(new Uri($"/afmelden/{hub.Options.ProviderName}/achterkanaal", UriKind.Relative),
            new FormUrlEncodedContent([new("logout_token", Sign(descriptor, Credentials(hub.Provider.Keys[0], hub.Provider.CurrentKeyId)))]));
        Assert.True(response.StatusCode == HttpStatusCode.OK, hub.Diagnostics());

        browser.Open("/");
        browser.WaitForPath("/aanmelden?terug=%2F");
    }

    private Task<HttpResponseMessage> PostAsync(HttpClient client, string token) =>
        client.PostAsync(new Uri(LogoutPath, UriKind.Relative), new FormUrlEncodedContent([new("logout_token", token)]));

    private SecurityTokenDescriptor Logout(
        string? subject, string? audience = null, string? issuer = null, bool events = true, string eventName = "http://schemas.openid.net/event/backchannel-logout",
        string? nonce = null, bool issuedAt = true, DateTime? at = null, DateTime? expires = null)
    {
        var claims = new Dictionary<string, object> { ["jti"] = Guid.NewGuid().ToString("N") };
        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        if (events)
        {
            claims["events"] = new Dictionary<string, object> { [eventName] = new Dictionary<string, object>() };
        }

        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }

        var issued = at ?? DateTime.UtcNow;
        return new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Hub.Provider.Issuer,
            Audience = audience ?? Hub.Client.ClientId,
            Claims = claims,
            TokenType = "logout+jwt",
            IssuedAt = issuedAt ? issued : null,
            NotBefore = issued,
            Expires = expires ?? issued.AddMinutes(2),
        };
    }

    private static string Sign(SecurityTokenDescriptor descriptor, SigningCredentials credentials)
    {
        descriptor.SigningCredentials = credentials;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private static SigningCredentials Credentials(ECDsa key, string kid) => new(new ECDsaSecurityKey(key) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256);
}
