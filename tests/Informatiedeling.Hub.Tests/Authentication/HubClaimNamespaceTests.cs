using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Testing;

namespace Informatiedeling.Hub.Tests.Authentication;

/// <summary>
/// A provider trusted only for <c>gemeente</c> (and to assert its privacy officer) issues tokens that try to name
/// the caller through the hub's own claims or through several values of one claim: each is refused, and what the
/// hub takes the caller to be comes from admission alone.
/// </summary>
public sealed class HubClaimNamespaceTests : IAsyncLifetime
{
    private readonly OidcTestUser _official = new("gemeente-ambtenaar-1", "gemeente");
    private readonly OidcTestUser _asPolice = new("gemeente-as-politie", "gemeente") { Claims = new JsonObject { ["infodeel:partner"] = "politie" } };
    private readonly OidcTestUser _asOfficer = new("gemeente-as-fg", "gemeente") { Claims = new JsonObject { ["infodeel:function"] = PartnerClaims.PrivacyOfficer } };
    private readonly OidcTestUser _asOtherUser = new("gemeente-as-other", "gemeente") { Claims = new JsonObject { ["infodeel:user"] = "politie-agent-7" } };
    private readonly OidcTestUser _asOtherIssuer = new("gemeente-as-issuer", "gemeente") { Claims = new JsonObject { ["Infodeel:Issuer"] = "https://politie.example" } };
    private readonly OidcTestUser _twoPartners = new("gemeente-two-partners", "gemeente") { Claims = new JsonObject { ["partner"] = new JsonArray("gemeente", "politie") } };
    private readonly OidcTestUser _partnerObject = new("gemeente-partner-object", "gemeente") { Claims = new JsonObject { ["partner"] = new JsonObject { ["id"] = "gemeente" } } };
    private readonly OidcTestUser _twoFunctions = new("gemeente-two-functions", "gemeente") { Claims = new JsonObject { ["function"] = new JsonArray(PartnerClaims.PrivacyOfficer, "medewerker") } };
    private readonly OidcTestUser _officer = new("gemeente-fg-1", "gemeente", PartnerClaims.PrivacyOfficer);
    private OidcProviderServer _municipality = null!;
    private HubFactory _hub = null!;

    public async Task InitializeAsync()
    {
        _municipality = await OidcProviderServer.StartAsync(
            [_official, _asPolice, _asOfficer, _asOtherUser, _asOtherIssuer, _twoPartners, _partnerObject, _twoFunctions, _officer]);
        _hub = HubFactory.OnSqlite(new Dictionary<string, string?>
        {
            ["Authentication:Issuers:0:Name"] = "gemeente",
            ["Authentication:Issuers:0:Issuer"] = _municipality.Issuer,
            ["Authentication:Issuers:0:Audience"] = OidcProviderServer.Audience,
            ["Authentication:Issuers:0:Partners:0"] = "gemeente",
            ["Authentication:Issuers:0:FunctionClaim"] = "function",
            ["Authentication:Issuers:0:PrivacyOfficerFunction"] = "privacy-officer",
            ["Authentication:Issuers:0:RequireHttpsMetadata"] = "false",
        });
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _municipality.DisposeAsync();
    }

    [Fact]
    public async Task An_honest_token_and_an_honest_privacy_officer_are_admitted_as_they_are()
    {
        using var me = await SendAsync(HttpMethod.Get, "/me", await _municipality.TokenAsync(_official));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(new WhoAmI("gemeente", _official.ClientId, _municipality.Issuer), await me.Content.ReadFromJsonAsync<WhoAmI>());

        using var officer = await SendAsync(HttpMethod.Get, "/me", await _municipality.TokenAsync(_officer));
        Assert.Equal(new WhoAmI("gemeente", _officer.ClientId, _municipality.Issuer, PartnerClaims.PrivacyOfficer), await officer.Content.ReadFromJsonAsync<WhoAmI>());
        using var holds = await SendAsync(HttpMethod.Get, "/retention/holds", await _municipality.TokenAsync(_officer));
        Assert.Equal(HttpStatusCode.OK, holds.StatusCode);
    }

    [Fact]
    public async Task A_token_naming_another_partner_in_the_hubs_namespace_is_refused()
    {
        await AssertRefusedAsync(_asPolice);
    }

    [Fact]
    public async Task A_token_naming_the_privacy_officer_in_the_hubs_namespace_is_refused_and_sees_no_hold()
    {
        var token = await _municipality.TokenAsync(_asOfficer);
        await AssertRefusedAsync(_asOfficer);
        using var holds = await SendAsync(HttpMethod.Get, "/retention/holds", token);
        Assert.Equal(HttpStatusCode.Unauthorized, holds.StatusCode);
    }

    [Fact]
    public async Task A_token_naming_another_user_or_issuer_in_the_hubs_namespace_is_refused()
    {
        await AssertRefusedAsync(_asOtherUser);
        await AssertRefusedAsync(_asOtherIssuer);
    }

    [Fact]
    public async Task A_partner_claim_that_is_not_one_string_is_refused()
    {
        await AssertRefusedAsync(_twoPartners);
        await AssertRefusedAsync(_partnerObject);
    }

    [Fact]
    public async Task A_function_claim_that_is_not_one_string_is_refused()
    {
        var token = await _municipality.TokenAsync(_twoFunctions);
        await AssertRefusedAsync(_twoFunctions);
        using var holds = await SendAsync(HttpMethod.Get, "/retention/holds", token);
        Assert.NotEqual(HttpStatusCode.OK, holds.StatusCode);
    }

    private async Task AssertRefusedAsync(OidcTestUser user)
    {
        using var response = await SendAsync(HttpMethod.Get, "/me", await _municipality.TokenAsync(user));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _hub.CreateClient().SendAsync(request);
    }
}
