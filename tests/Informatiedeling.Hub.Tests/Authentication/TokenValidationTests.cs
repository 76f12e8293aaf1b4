using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Informatiedeling.Hub.Tests.Authentication;

/// <summary>
/// The hub as a relying party of real OpenID Connect providers (oidc-provider on loopback): tokens they issue
/// are accepted; forged, confused, expired, misdirected or over-claiming tokens are not.
/// </summary>
public sealed class TokenValidationTests : IAsyncLifetime
{
    private static readonly TimeSpan KeyRotationWait = TimeSpan.FromMilliseconds(300);
    private readonly OidcTestUser _agent = new("politie-agent-1", "politie");
    private readonly OidcTestUser _impostor = new("politie-pretends-om", "om");
    private readonly OidcTestUser _prosecutor = new("om-officier-1", "om");
    private OidcProviderServer _police = null!;
    private OidcProviderServer _prosecution = null!;
    private HubFactory _hub = null!;

    public async Task InitializeAsync()
    {
        _police = await OidcProviderServer.StartAsync([_agent, _impostor]);
        _prosecution = await OidcProviderServer.StartAsync([_prosecutor]);
        _hub = HubFactory.OnSqlite(new Dictionary<string, string?>
        {
            ["Authentication:ClockSkew"] = "00:00:01",
            ["Authentication:KeyRotationWait"] = KeyRotationWait.ToString(),
            ["Authentication:Issuers:0:Name"] = "politie",
            ["Authentication:Issuers:0:Issuer"] = _police.Issuer,
            ["Authentication:Issuers:0:Audience"] = OidcProviderServer.Audience,
            ["Authentication:Issuers:0:Partners:0"] = "politie",
            ["Authentication:Issuers:0:RequireHttpsMetadata"] = "false",
            ["Authentication:Issuers:0:KeyRefreshInterval"] = "00:00:01",
            ["Authentication:Issuers:1:Name"] = "om",
            ["Authentication:Issuers:1:Issuer"] = _prosecution.Issuer,
            ["Authentication:Issuers:1:Audience"] = OidcProviderServer.Audience,
            ["Authentication:Issuers:1:Partners:0"] = "om",
            ["Authentication:Issuers:1:RequireHttpsMetadata"] = "false",
        });
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _police.DisposeAsync();
        await _prosecution.DisposeAsync();
    }

    [Fact]
    public async Task A_token_from_a_trusted_provider_identifies_partner_and_user()
    {
        var me = await MeAsync(await _police.TokenAsync(_agent));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.Content.ReadFromJsonAsync<WhoAmI>();
        Assert.Equal(new WhoAmI("politie", "politie-agent-1", _police.Issuer), body);

        var other = await (await MeAsync(await _prosecution.TokenAsync(_prosecutor))).Content.ReadFromJsonAsync<WhoAmI>();
        Assert.Equal("om", other!.Partner);
    }

    [Fact]
    public async Task No_token_is_a_401_problem_with_a_bearer_challenge()
    {
        using var response = await _hub.CreateClient().GetAsync(new Uri("/me", UriKind.Relative));
        await Hosting.ProblemDetailsTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task An_unsigned_alg_none_token_is_rejected()
    {
        var token = await _police.TokenAsync(_agent);
        var parts = token.Split('.');
        var header = Base64Url(Encoding.UTF8.GetBytes($"{{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"{_police.CurrentKeyId}\"}}"));
        await AssertRejectedAsync($"{header}.{parts[1]}.");
    }

    [Fact]
    public async Task An_hmac_token_keyed_with_the_providers_public_key_is_rejected()
    {
        var publicKey = _police.Keys[0].ExportSubjectPublicKeyInfo();
        var token = Sign(Claims(_police.Issuer, "politie"), new SigningCredentials(new SymmetricSecurityKey(publicKey) { KeyId = _police.CurrentKeyId }, SecurityAlgorithms.HmacSha256));
        await AssertRejectedAsync(token);
    }

    [Fact]
    public async Task A_token_claiming_one_issuer_but_signed_with_another_issuers_key_is_rejected()
    {
        var token = Sign(Claims(_police.Issuer, "politie"), Credentials(_prosecution.Keys[0], _prosecution.CurrentKeyId));
        await AssertRejectedAsync(token);
        var unknownKey = Sign(Claims(_police.Issuer, "politie"), Credentials(ECDsa.Create(ECCurve.NamedCurves.nistP256), _police.CurrentKeyId));
        await AssertRejectedAsync(unknownKey);
    }

    [Fact]
    public async Task A_partner_claim_the_issuer_may_not_assert_is_rejected()
    {
        await AssertRejectedAsync(await _police.TokenAsync(_impostor));
    }

    [Fact]
    public async Task Wrong_audience_wrong_type_and_expired_tokens_are_rejected_while_a_correct_one_signed_alike_passes()
    {
        var key = Credentials(_police.Keys[0], _police.CurrentKeyId);
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(Sign(Claims(_police.Issuer, "politie"), key))).StatusCode);

        await AssertRejectedAsync(Sign(Claims(_police.Issuer, "politie", audience: "urn:another-service"), key));
        await AssertRejectedAsync(Sign(Claims(_police.Issuer, "politie"), key, type: "JWT"));
        await AssertRejectedAsync(Sign(Claims(_police.Issuer, "politie", lifetime: TimeSpan.FromSeconds(-30)), key));
    }

    [Fact]
    public async Task After_the_provider_rotates_its_keys_new_tokens_are_accepted()
    {
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(await _police.TokenAsync(_agent))).StatusCode);
        await _police.RotateKeysAsync();
        var token = await _police.TokenAsync(_agent);
        Assert.Equal(_police.CurrentKeyId, new JsonWebToken(token).Kid);
        await Task.Delay(TimeSpan.FromSeconds(1.2)); // the hub refreshes an issuer's keys at most once per KeyRefreshInterval (1 s here)

        using var response = await MeAsync(token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Tokens_with_key_ids_the_issuer_never_published_are_refused_within_the_bound()
    {
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(await _prosecution.TokenAsync(_prosecutor))).StatusCode);
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bound = KeyRotationWait + TimeSpan.FromSeconds(2);

        // One after the other: the first waits for one refresh of the provider's keys at most; the next are refused
        // at once, for the keys were fetched a moment ago and would not be fetched again yet.
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 5; i++)
        {
            await AssertRejectedAsync(Sign(Claims(_prosecution.Issuer, "om"), Credentials(stranger, $"made-up-{i}")));
        }

        Assert.True(clock.Elapsed < bound, $"five unknown key ids took {clock.Elapsed}");

        // All at once: they share one wait, none holds its connection for longer than the bound.
        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => AssertRejectedAsync(Sign(Claims(_prosecution.Issuer, "om"), Credentials(stranger, $"burst-{i}")))));
        Assert.True(clock.Elapsed < bound, $"forty unknown key ids at once took {clock.Elapsed}");

        Assert.Equal(HttpStatusCode.OK, (await MeAsync(await _prosecution.TokenAsync(_prosecutor))).StatusCode);
    }

    private async Task<HttpResponseMessage> MeAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _hub.CreateClient().SendAsync(request);
    }

    private async Task AssertRejectedAsync(string token)
    {
        using var response = await MeAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static SecurityTokenDescriptor Claims(string issuer, string partner, string audience = OidcProviderServer.Audience, TimeSpan? lifetime = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(5));
        return new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", "forged-user"), new Claim("partner", partner)]),
            IssuedAt = expires < now ? expires.AddMinutes(-5) : now,
            NotBefore = expires < now ? expires.AddMinutes(-5) : now,
            Expires = expires,
            TokenType = "at+jwt",
        };
    }

    private static string Sign(SecurityTokenDescriptor descriptor, SigningCredentials credentials, string type = "at+jwt")
    {
        descriptor.SigningCredentials = credentials;
        descriptor.TokenType = type;
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    private static SigningCredentials Credentials(ECDsa key, string kid) => new(new ECDsaSecurityKey(key) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
